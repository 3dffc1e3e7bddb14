import { performance } from 'node:perf_hooks';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { createRunId } from '../run-record/run-id.ts';
import { readState, type SetupRecord } from '../run-record/run-state.ts';
import { TRUTH_IDS, type TruthId } from '../truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../truths/truth-titles.ts';
import { collectTruths, getTruthId, toCollectedTruth, type CollectedTruth } from './collect-truths.ts';
import { writeRun, type RunToWrite } from './write-run.ts';
import { getBasicMachineInfo, getMachineInfo, type MachineInfo } from '../machine/machine-info.ts';
import type { Finding } from '../diagnosis/finding.ts';
import { readLogFileDiagnosis, readRunDiagnosis } from './read-run-diagnosis.ts';

const NOT_SELECTED = 'not selected in this run';
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface GateReporterOptions {
  /** Where global setup writes the run record and the reports go (GATE_REPORT_DIR). */
  readonly reportDir: string;
}

/**
 * Writes 05-BENCHMARK.md (the plan's template with actual values), benchmark.json, JUnit,
 * 05-04-SUMMARY.md and the charts at the end of every run, and appends to history.jsonl. On
 * Ctrl-C or SIGTERM it writes an INTERRUPTED report with what was finished. Every run is kept
 * under runs/<run id>/; the top-level files are replaced atomically.
 */
export class GateReporter implements Reporter {
  readonly #reportDir: string;
  #startedAt = performance.now();
  /** Wall-clock start of the current run; the first run's is global setup's, read from the run record. */
  #startedAtIso: string | undefined;
  /** Runs this reporter has written: Vitest UI re-runs specs in the same process. */
  #runs = 0;
  /** True from the start of a run (or of the process: global setup boots before the first run starts) to its report. */
  #inProgress = true;
  /** Each truth's latest result, so a re-run of one spec in Vitest UI keeps the others' results. */
  readonly #latest = new Map<TruthId, CollectedTruth>();
  /** Results of the run in progress, as they finish: what an interrupted run can still report. */
  readonly #finished = new Map<TruthId, CollectedTruth>();
  #running: { readonly id: TruthId; readonly since: number } | undefined;
  /** Asked once at start: sw_vers and sysctl answer at once, and a Ctrl-C report cannot wait for them. */
  readonly #machine: Promise<MachineInfo>;
  #machineKnown: MachineInfo | undefined;

  constructor(options: GateReporterOptions) {
    this.#reportDir = options.reportDir;
    this.#machine = getMachineInfo().then((info) => (this.#machineKnown = info));
    for (const signal of SIGNALS) {
      const onSignal = () => {
        process.off(signal, onSignal);
        this.#writeInterrupted(signal);
        // Without another listener Node would no longer end the process on this signal.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }

  onTestRunStart(): void {
    this.#startedAt = performance.now();
    this.#startedAtIso = this.#runs === 0 ? undefined : new Date().toISOString();
    this.#inProgress = true;
    this.#finished.clear();
  }

  onTestCaseReady(testCase: TestCase): void {
    const id = getTruthId(testCase);
    if (id !== undefined) this.#running = { id, since: performance.now() };
  }

  onTestCaseResult(testCase: TestCase): void {
    const id = getTruthId(testCase);
    if (id !== undefined) this.#finished.set(id, toCollectedTruth(id, testCase, 'the run ended before this truth was checked'));
    this.#running = undefined;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): Promise<void> {
    if (!this.#inProgress) return;
    const setup = this.#readSetup();
    const [machine, diagnosis] = await Promise.all([this.#machine, readRunDiagnosis(setup, getMeasuredFindings(testModules))]);
    if (!this.#inProgress) return; // a signal wrote the report meanwhile
    const notRunReason =
      setup?.error !== undefined
        ? `setup failed: ${setup.error.message.split('\n')[0]}`
        : reason === 'interrupted'
          ? 'the run was interrupted before this truth was checked'
          : NOT_SELECTED;
    this.#write(setup, this.#mergeWithEarlier(collectTruths(testModules, notRunReason)), { machine, ...(diagnosis === undefined ? {} : { diagnosis }) });
  }

  #writeInterrupted(signal: NodeJS.Signals): void {
    if (!this.#inProgress) return;
    const setup = this.#readSetup();
    const running = this.#running;
    const truths = new Map<TruthId, CollectedTruth>();
    for (const id of TRUTH_IDS) {
      const finished = this.#finished.get(id);
      const seconds = running?.id === id ? ` after ${((performance.now() - running.since) / 1000).toFixed(1)} s of this check` : '';
      const reason = running?.id === id ? `interrupted by ${signal}${seconds}` : `interrupted by ${signal} before this truth was reached`;
      truths.set(id, finished ?? { result: { id, title: TRUTH_TITLES[id], verdict: 'NOT RUN', reason } });
    }
    const diagnosis = setup?.logPath === undefined ? undefined : readLogFileDiagnosis(setup.logPath);
    const interrupted = { signal, during: describeWhere(setup, running?.id, this.#finished.size) };
    this.#write(setup, truths, { machine: this.#machineKnown ?? getBasicMachineInfo(), interrupted, ...(diagnosis === undefined ? {} : { diagnosis }) });
  }

  #write(setup: SetupRecord | undefined, truths: Map<TruthId, CollectedTruth>, extra: Pick<RunToWrite, 'machine' | 'interrupted' | 'diagnosis'>): void {
    this.#inProgress = false;
    this.#runs += 1;
    const runId = `${setup?.runId ?? createRunId()}${this.#runs === 1 ? '' : `-rerun-${this.#runs - 1}`}`;
    try {
      const startedAt = this.#startedAtIso ?? setup?.startedAt ?? new Date().toISOString();
      writeRun({ reportDir: this.#reportDir, runId, setup, truths, startedAt, durationMs: performance.now() - this.#startedAt, ...extra });
    } catch (error) {
      // A reporter that throws hides the run's real outcome; say what went wrong and carry on.
      process.stderr.write(`[comfyui-gate] could not write the report: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }

  #readSetup(): SetupRecord | undefined {
    return readState<SetupRecord>(this.#reportDir, 'setup');
  }

  #mergeWithEarlier(truths: Map<TruthId, CollectedTruth>): Map<TruthId, CollectedTruth> {
    for (const [id, truth] of truths) {
      const earlier = this.#latest.get(id);
      const notSelected = truth.result.verdict === 'NOT RUN' && truth.result.reason === NOT_SELECTED;
      if (notSelected && earlier !== undefined) truths.set(id, earlier);
      else this.#latest.set(id, truth);
    }
    return truths;
  }
}

/** Where an interrupted run was, in the gate's own words. */
function describeWhere(setup: SetupRecord | undefined, running: TruthId | undefined, finished: number): string {
  if (running !== undefined) return `during "${TRUTH_TITLES[running]}"`;
  if (setup === undefined) return 'while ComfyUI was starting (before any truth ran)';
  if (finished === 0) return 'before the first truth ran';
  return finished >= TRUTH_IDS.length ? 'while the report was being written' : 'between two truths';
}

/** Findings the benchmark measured during the generation (swap, thermal), from its measurements. */
function getMeasuredFindings(testModules: ReadonlyArray<TestModule>): Finding[] {
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const measured = (test.meta().measurements as { pressureFindings?: Finding[] } | undefined)?.pressureFindings;
      if (measured !== undefined) return measured;
    }
  }
  return [];
}
