/** Context that helps a person see where a failure happened; plain JSON so it can go into a report. */
export type ErrorContext = Record<string, string | number | boolean | null | readonly string[]>;

export interface GateErrorOptions {
  readonly hint: string;
  readonly context?: ErrorContext;
  readonly cause?: unknown;
}

/** The one error base class: `message` says what happened, `hint` says what to do about it. */
export class GateError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, { hint, context = {}, cause }: GateErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
    this.context = context;
  }
}

/** A configuration value that cannot be used. */
export class ConfigError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('CONFIG_INVALID', message, options);
  }
}

/** Plain-JSON view of any thrown value, for reports and for passing across process boundaries. */
export interface ErrorSummary {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  readonly context: ErrorContext;
}

/** Summarises any thrown value; a GateError keeps its code, hint and context. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof GateError) {
    return { name: error.name, code: error.code, message: error.message, hint: error.hint, context: error.context };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: error instanceof Error ? error.name : 'Error', code: 'UNEXPECTED', message, hint: '', context: {} };
}

/** One line a person can act on: what happened, then what to do. */
export function formatError(error: unknown): string {
  const { message, hint } = summarizeError(error);
  return hint === '' ? message : `${message}\n  → ${hint}`;
}
