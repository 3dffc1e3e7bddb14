// What a log diagnosis says: findings with the lines that prove them. The ids are stable (tests,
// JSON consumers and the report key on them); titles, causes and fixes are the gate's own words.

export type FindingId =
  | 'mps-op-not-implemented'
  | 'mps-out-of-memory'
  | 'mps-unsupported-dtype'
  | 'mps-placeholder-storage'
  | 'mps-unavailable'
  | 'cuda-only-code'
  | 'running-on-cpu'
  | 'mps-op-fallback'
  | 'x86-python'
  | 'fp32-forced'
  | 'low-vram-mode'
  | 'swap-growth'
  | 'thermal-throttling'
  | 'healthy-mps'
  | 'versions';

/** blocks: the run cannot succeed; slows: it runs, slower than it should; info: context. */
export type Severity = 'blocks' | 'slows' | 'info';

export interface Evidence {
  /** 1-based line number in the log. */
  readonly line: number;
  /** The whole line as printed, through `sanitizeLine`. */
  readonly text: string;
}

export interface Finding {
  readonly id: FindingId;
  readonly severity: Severity;
  readonly title: string;
  /** At most `MAX_EVIDENCE` lines, first ones first. */
  readonly evidence: readonly Evidence[];
  /** How many more matching lines were left out of `evidence`. */
  readonly more?: number;
  readonly cause: string;
  /** What to do; empty for info findings. */
  readonly fix: string;
  /** Figures read from the log (sanitised), with the units the log showed. */
  readonly figures?: Readonly<Record<string, string | number>>;
}

/** One physical line of the log: its number, the raw text, and the message with known prefixes removed. */
export interface LogLine {
  readonly number: number;
  readonly raw: string;
  readonly message: string;
}

/** A rule looks at every line and returns its finding, or nothing when the log shows no sign of it. */
export type DiagnosisRule = (lines: readonly LogLine[]) => Finding | undefined;
