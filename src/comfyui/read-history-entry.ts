import { executionErrorDataSchema, executionInterruptedDataSchema } from './schemas.ts';
import type { ApiWorkflow, ExecutionErrorData, ExecutionInterruptedData, HistoryEntry, ImageRef } from './schemas.ts';

/** How a run ended according to its history entry. */
export type HistoryEnding =
  | { readonly kind: 'success' }
  | { readonly kind: 'error'; readonly data?: ExecutionErrorData }
  | { readonly kind: 'interrupted'; readonly data?: ExecutionInterruptedData };

/** What a finished prompt's GET /history/<id> entry says, read once. */
export interface HistoryReading {
  readonly ending: HistoryEnding;
  /** Server wall clock, epoch ms, from the status messages (execution_start, the terminal event). */
  readonly serverStart?: number;
  readonly serverEnd?: number;
  /** undefined when the entry has no execution_cached message. */
  readonly cachedNodeIds?: readonly string[];
  /** Node ids of the terminal event's `executed` list (error and interrupt only). */
  readonly executedNodeIds?: readonly string[];
  readonly images: readonly ImageRef[];
  readonly workflow: ApiWorkflow;
  /** The output nodes ComfyUI ran the prompt for (`prompt[4]`), when the entry has them. */
  readonly outputNodeIds?: readonly string[];
}

/** Reads a history entry: its status messages repeat execution_start, execution_cached and the terminal event with their timestamps. */
export function readHistoryEntry(entry: HistoryEntry): HistoryReading {
  let reading: Omit<HistoryReading, 'ending' | 'images' | 'workflow'> = {};
  let ending: HistoryEnding | undefined;
  for (const [event, rawData] of entry.status?.messages ?? []) {
    const timestamp = getTimestamp(rawData);
    if (event === 'execution_start' && timestamp !== undefined) reading = { ...reading, serverStart: timestamp };
    if (event === 'execution_cached') reading = { ...reading, cachedNodeIds: getStrings(rawData, 'nodes') };
    const terminal = getEnding(event, rawData);
    if (terminal === undefined) continue;
    ending = terminal;
    reading = { ...reading, ...(timestamp === undefined ? {} : { serverEnd: timestamp }) };
    if (terminal.kind !== 'success') reading = { ...reading, executedNodeIds: getStrings(rawData, 'executed') };
  }
  const outputNodeIds = getOutputNodeIds(entry.prompt[4]);
  return {
    ...reading,
    // No terminal message: trust status_str; an entry without status means the server finished without saying how.
    ending: ending ?? (entry.status?.status_str === 'error' ? { kind: 'error' } : { kind: 'success' }),
    images: getImages(entry),
    workflow: entry.prompt[2],
    ...(outputNodeIds === undefined ? {} : { outputNodeIds }),
  };
}

function getEnding(event: string, rawData: unknown): HistoryEnding | undefined {
  if (event === 'execution_success') return { kind: 'success' };
  if (event === 'execution_error') return { kind: 'error', ...optionalData(executionErrorDataSchema.safeParse(rawData)) };
  if (event === 'execution_interrupted') return { kind: 'interrupted', ...optionalData(executionInterruptedDataSchema.safeParse(rawData)) };
  return undefined;
}

function getImages(entry: HistoryEntry): ImageRef[] {
  const nodeIds = Object.keys(entry.outputs).sort((a, b) => Number(a) - Number(b));
  return nodeIds.flatMap((id) => entry.outputs[id]?.images ?? []);
}

function getOutputNodeIds(raw: unknown): string[] | undefined {
  return Array.isArray(raw) && raw.every((id) => typeof id === 'string') ? [...raw] : undefined;
}

function getTimestamp(rawData: unknown): number | undefined {
  const timestamp = (rawData as { timestamp?: unknown } | null)?.timestamp;
  return typeof timestamp === 'number' ? timestamp : undefined;
}

function getStrings(rawData: unknown, field: string): string[] {
  const value = (rawData as Record<string, unknown> | null)?.[field];
  return Array.isArray(value) ? value.map(String) : [];
}

function optionalData<T>(parsed: { success: true; data: T } | { success: false }): { data?: T } {
  return parsed.success ? { data: parsed.data } : {};
}
