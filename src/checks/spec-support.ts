import { inject, type TestContext } from 'vitest';
import type { GateConfig } from '../config/gate-config.ts';
import type { Criterion } from '../config/env-schema.ts';
import type { TruthId } from '../truths/benchmark-report.ts';
import type { GateContext } from '../run-record/gate-context.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';
import { readState } from '../run-record/run-state.ts';
import { BOOT_STATE, type BootRecord } from './boot-wait.ts';
import '../run-record/gate-context.ts';
import '../truths/measurements.ts';

/** How long one small request of a truth (/system_stats, /models) may take: a healthy server answers in milliseconds. */
export const SYSTEM_STATS_TIMEOUT_MS = 10_000;
/** /object_info lists every node class: hundreds of kilobytes with custom nodes, built on request. */
export const OBJECT_INFO_TIMEOUT_MS = 30_000;

/** The gate's configuration, as global setup parsed it once for the whole run. */
export function getConfig(): GateConfig {
  return getGate().config;
}

/** What global setup provided: the server URL and the run id. */
export function getGate(): GateContext {
  return inject('gate');
}

/** Hands a truth's measurements to the reporter (plain JSON in task.meta). */
export function recordMeasurements<T extends TruthId>(context: TestContext, truth: T, measurements: TruthMeasurements[T]): void {
  context.task.meta.truth = truth;
  context.task.meta.measurements = JSON.parse(JSON.stringify(measurements)) as TruthMeasurements[T];
}

/** Skips a truth that configuration switched off: the report says SKIPPED (by configuration). */
export function skipIfConfigured(context: TestContext, criterion: Criterion): void {
  if (!getConfig().skip.includes(criterion)) return;
  context.task.meta.skipKind = 'config';
  context.skip(`SKIPPED by configuration (GATE_SKIP=${getConfig().skip.join(',')})`);
}

/** Marks a truth NOT RUN because what it needs did not happen; the note says why. */
export function skipAsNotRun(context: TestContext, reason: string): never {
  context.task.meta.skipKind = 'not-run';
  context.skip(reason);
  throw new Error('unreachable: context.skip throws');
}

/**
 * Watch / UI mode boots ComfyUI in the background (src/checks/boot-wait.ts). When that boot failed,
 * a truth that asks the server is NOT RUN: the reachable truth already failed with the reason and
 * the log, and a connection error here would only repeat it less clearly.
 */
export function skipIfBootFailed(context: TestContext): void {
  const boot = readRunState<BootRecord>(BOOT_STATE);
  if (boot?.status !== 'failed') return;
  const reason = boot.message.split('\n')[0] ?? boot.message;
  skipAsNotRun(context, `NOT RUN: ComfyUI did not start, so there was no server to ask (${reason})`);
}

/** Reads a part of the run record another spec wrote. */
export function readRunState<T>(name: string): T | undefined {
  return readState<T>(getGate().reportDir, name);
}
