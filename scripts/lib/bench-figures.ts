import type { SetupRecord } from '../../src/run-record/run-state.ts';
import type { BenchmarkReport } from '../../src/truths/benchmark-report.ts';
import { findEvent, type FakeEvent } from './events-file.ts';
import type { GateExit, TimedLine } from './gate-process.ts';

/** What one gate run left behind, as the bench collected it. */
export interface BenchRunInput {
  readonly spawnedAt: number;
  readonly exit: GateExit;
  readonly lines: readonly TimedLine[];
  readonly events: readonly FakeEvent[];
  readonly setup: SetupRecord | undefined;
  readonly report: BenchmarkReport | undefined;
  /** Epoch ms at which the fake ComfyUI's process started (from /proc), if it was seen. */
  readonly fakeStartedAt: number | undefined;
  readonly peakKiB: number;
}

/** Every figure of one run in ms (peakMiB in MiB); undefined where the run did not show what it needs. */
export interface BenchRunFigures {
  readonly wallMs: number;
  readonly vitestStartMs: number | undefined;
  readonly readyToFirstSpecMs: number | undefined;
  readonly startupMs: number | undefined;
  readonly spawnToFirstSpecMs: number | undefined;
  readonly fakeBootMs: number | undefined;
  readonly readinessLagMs: number | undefined;
  readonly perSpecMs: number | undefined;
  readonly fakeRunMs: number | undefined;
  readonly completionLagMs: number | undefined;
  readonly teardownMs: number | undefined;
  readonly reportMs: number | undefined;
  readonly serverStopMs: number | undefined;
  readonly overheadMs: number | undefined;
  readonly peakMiB: number;
  readonly accuracy: TimingAccuracy | undefined;
  readonly specCount: number;
  readonly exitCode: number | null;
  /** The signal npm died by; the bench sends none, so such a run was disturbed from outside. */
  readonly exitSignal: NodeJS.Signals | null;
}

/** The report's client-side elapsed against the server's own run time. */
export interface TimingAccuracy {
  readonly clientMs: number;
  readonly serverMs: number;
  readonly diffMs: number;
  /** Client submit (benchmark.startedAt) → the server's execution_start: the submit leg the client clock includes. */
  readonly submitMs: number;
  readonly withinTarget: boolean;
}

/** The tolerance for client vs server elapsed, on top of the submit leg. */
export const ACCURACY_SLACK_MS = 50;

// " ✓ specs/reachable.spec.ts (1 test) 37ms", "❯ specs/gpu-active.spec.ts (1 test | 1 failed) 14ms"
const SPEC_LINE = /^\s*[✓❯×↓]\s+specs\/\S+\.spec\.ts\s+\(.*\)\s+(\d+(?:\.\d+)?)(ms|s)\s*$/;
const REPORT_LINE = /^\[comfyui-gate\] Phase 5 gate:/;

/** Derives every figure of one run from its output, the fake's events, setup.json and benchmark.json. */
export function getBenchRunFigures(input: BenchRunInput): BenchRunFigures {
  const { spawnedAt, exit, lines, events, setup, report, fakeStartedAt } = input;
  const specs = lines.flatMap((line) => {
    const match = line.stream === 'stdout' ? SPEC_LINE.exec(line.text) : null;
    if (match === null) return [];
    const durationMs = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
    return [{ endedAt: line.at, durationMs }];
  });
  const firstSpec = specs[0];
  const lastSpec = specs.at(-1);
  const firstSpecStart = firstSpec === undefined ? undefined : firstSpec.endedAt - firstSpec.durationMs;
  const reportLine = lines.find((line) => REPORT_LINE.test(line.text));
  const at = (name: string) => findEvent(events, name);
  const listening = at('listening');
  const runStart = at('execution_start');
  const runEnd = at('execution_success');
  const sigterm = at('sigterm');
  const setupStart = setup === undefined ? undefined : Date.parse(setup.startedAt);
  const readyAt = setupStart === undefined || setup?.timeToReadyMs === undefined ? undefined : setupStart + setup.timeToReadyMs;
  const endedAt = report?.benchmark.endedAt === undefined ? undefined : Date.parse(report.benchmark.endedAt);

  const wallMs = exit.at - spawnedAt;
  const vitestStartMs = minus(setupStart, spawnedAt);
  const readyToFirstSpecMs = minus(firstSpecStart, readyAt);
  const fakeBootMs = minus(listening?.at, fakeStartedAt ?? at('start')?.at);
  const fakeRunMs = minus(runEnd?.at_precise, runStart?.at_precise);
  const specSpan = minus(lastSpec?.endedAt, firstSpecStart);
  const testTime = specs.reduce((sum, spec) => sum + spec.durationMs, 0);
  return {
    wallMs,
    vitestStartMs,
    readyToFirstSpecMs,
    startupMs: vitestStartMs === undefined || readyToFirstSpecMs === undefined ? undefined : vitestStartMs + readyToFirstSpecMs,
    spawnToFirstSpecMs: minus(firstSpecStart, spawnedAt),
    fakeBootMs,
    readinessLagMs: minus(readyAt, listening?.at),
    perSpecMs: specSpan === undefined || specs.length < 2 ? undefined : (specSpan - testTime) / (specs.length - 1),
    fakeRunMs,
    completionLagMs: minus(endedAt, runEnd?.at),
    teardownMs: minus(exit.at, lastSpec?.endedAt),
    reportMs: minus(reportLine?.at, lastSpec?.endedAt),
    serverStopMs: minus(exit.at, sigterm?.at),
    overheadMs: fakeBootMs === undefined || fakeRunMs === undefined ? undefined : wallMs - fakeBootMs - fakeRunMs,
    peakMiB: input.peakKiB / 1024,
    accuracy: getTimingAccuracy(report, runStart, runEnd),
    specCount: specs.length,
    exitCode: exit.code,
    exitSignal: exit.signal,
  };
}

function getTimingAccuracy(report: BenchmarkReport | undefined, runStart: FakeEvent | undefined, runEnd: FakeEvent | undefined): TimingAccuracy | undefined {
  const elapsedS = report?.benchmark.elapsedS;
  const startedAt = report?.benchmark.startedAt;
  if (elapsedS === undefined || startedAt === undefined || runStart === undefined || runEnd === undefined) return undefined;
  const clientMs = elapsedS * 1000;
  const serverMs = runEnd.at_precise - runStart.at_precise;
  const submitMs = runStart.at_precise - Date.parse(startedAt);
  const diffMs = clientMs - serverMs;
  return { clientMs, serverMs, diffMs, submitMs, withinTarget: Math.abs(diffMs) <= ACCURACY_SLACK_MS + Math.max(0, submitMs) };
}

function minus(later: number | undefined, earlier: number | undefined): number | undefined {
  return later === undefined || earlier === undefined ? undefined : later - earlier;
}
