import type { NodeTiming, RunOutcome, StepEvent } from './run-outcome';
import { executionErrorDataSchema, executionInterruptedDataSchema } from './schemas';
import type {
  ApiWorkflow,
  ExecutionErrorData,
  ExecutionInterruptedData,
  HistoryEntry,
  ImageRef,
  KnownComfyMessage,
} from './schemas';

/** How a run ended; `at` is the client time it became known. */
export type RunTerminal =
  | { readonly kind: 'success'; readonly at: number }
  | { readonly kind: 'error'; readonly at: number; readonly data?: ExecutionErrorData }
  | { readonly kind: 'interrupted'; readonly at: number; readonly data?: ExecutionInterruptedData };

interface OpenNode {
  readonly id: string;
  readonly startedAt: number;
}

/** Turns one prompt's messages (socket) or history entry into timings, steps, images and a terminal state. Pure: no I/O, no clock. */
export class RunRecorder {
  readonly #promptId: string;
  readonly #submittedAt: number;
  #workflow: ApiWorkflow | undefined;
  readonly #nodes: NodeTiming[] = [];
  readonly #steps: StepEvent[] = [];
  readonly #images: ImageRef[] = [];
  #cachedNodes: string[] = [];
  #open: OpenNode | undefined;
  #serverStart: number | undefined;
  #serverEnd: number | undefined;
  #lastSeen = 'nothing for this prompt yet';

  constructor({ promptId, submittedAt, workflow }: { promptId: string; submittedAt: number; workflow?: ApiWorkflow }) {
    this.#promptId = promptId;
    this.#submittedAt = submittedAt;
    this.#workflow = workflow;
  }

  /** Records one message of this prompt; returns the terminal state when the message ends the run. */
  record(message: KnownComfyMessage, at: number): RunTerminal | undefined {
    const since = this.#since(at);
    switch (message.type) {
      case 'execution_start':
        this.#serverStart ??= message.data.timestamp;
        this.#lastSeen = `execution_start ${since}`;
        return undefined;
      case 'execution_cached':
        this.#cachedNodes = [...message.data.nodes];
        return undefined;
      case 'executing':
        if (message.data.node === null) return this.#end({ kind: 'success', at }); // older servers' completion marker
        if (this.#open?.id !== message.data.node) {
          this.#closeOpenNode(at);
          this.#open = { id: message.data.node, startedAt: at };
        }
        this.#lastSeen = `node ${this.#describeNode(message.data.node)} started ${since}`;
        return undefined;
      case 'progress': {
        const { value, max, node = null } = message.data;
        this.#steps.push({ value, max, at, node });
        this.#lastSeen = `step ${value}/${max}${node === null ? '' : ` on node ${this.#describeNode(node)}`} ${since}`;
        return undefined;
      }
      case 'executed':
        this.#addImages(message.data.output?.images ?? []);
        // An output node reports `executed` when done: a tighter end than the next marker.
        if (this.#open?.id === message.data.node) this.#closeOpenNode(at);
        this.#lastSeen = `node ${this.#describeNode(message.data.node)} finished ${since}`;
        return undefined;
      case 'execution_success':
        this.#serverEnd = message.data.timestamp;
        return this.#end({ kind: 'success', at });
      case 'execution_error':
        this.#serverEnd = message.data.timestamp;
        return this.#end({ kind: 'error', at, data: message.data });
      case 'execution_interrupted':
        this.#serverEnd = message.data.timestamp;
        return this.#end({ kind: 'interrupted', at, data: message.data });
      default:
        return undefined; // status, progress_state: nothing to record
    }
  }

  /** Completes the record from a finished history entry (status messages carry the server timestamps). */
  applyHistory(entry: HistoryEntry, at: number): RunTerminal {
    this.#workflow ??= entry.prompt[2];
    let terminal: RunTerminal | undefined;
    for (const [event, rawData] of entry.status?.messages ?? []) {
      const timestamp = getTimestamp(rawData);
      if (event === 'execution_start') this.#serverStart ??= timestamp;
      if (event === 'execution_cached' && this.#cachedNodes.length === 0) this.#cachedNodes = getCachedNodes(rawData);
      const ending = getHistoryTerminal(event, rawData, at);
      if (ending !== undefined) {
        terminal = ending;
        this.#serverEnd = timestamp ?? this.#serverEnd;
      }
    }
    for (const nodeId of Object.keys(entry.outputs).sort((a, b) => Number(a) - Number(b))) {
      this.#addImages(entry.outputs[nodeId]?.images ?? []);
    }
    // No terminal message: trust status_str; an entry without status means the server finished without saying how.
    terminal ??= entry.status?.status_str === 'error' ? { kind: 'error', at } : { kind: 'success', at };
    return this.#end(terminal);
  }

  /** The successful run's record. */
  getOutcome(via: RunOutcome['via'], completedAt: number, fallbackReason?: string): RunOutcome {
    return {
      promptId: this.#promptId,
      via,
      ...(fallbackReason === undefined ? {} : { fallbackReason }),
      submittedAt: this.#submittedAt,
      completedAt,
      ...(this.#serverStart === undefined ? {} : { serverStart: this.#serverStart }),
      ...(this.#serverEnd === undefined ? {} : { serverEnd: this.#serverEnd }),
      nodes: this.#nodes.map((node) => this.#withClassType(node)),
      cachedNodes: [...this.#cachedNodes],
      steps: [...this.#steps],
      images: [...this.#images],
    };
  }

  /** The last thing seen of this run, for timeout and crash messages. */
  describeLastSeen(): string {
    return this.#lastSeen;
  }

  #end(terminal: RunTerminal): RunTerminal {
    this.#closeOpenNode(terminal.at);
    return terminal;
  }

  #closeOpenNode(at: number): void {
    if (this.#open === undefined) return;
    this.#nodes.push({ id: this.#open.id, startedAt: this.#open.startedAt, endedAt: at });
    this.#open = undefined;
  }

  #addImages(images: readonly ImageRef[]): void {
    for (const image of images) {
      const seen = this.#images.some((known) => known.filename === image.filename && known.subfolder === image.subfolder && known.type === image.type);
      if (!seen) this.#images.push({ filename: image.filename, subfolder: image.subfolder, type: image.type });
    }
  }

  #withClassType(node: NodeTiming): NodeTiming {
    const classType = this.#workflow?.[node.id]?.class_type;
    return classType === undefined ? node : { ...node, classType };
  }

  #describeNode(id: string): string {
    const classType = this.#workflow?.[id]?.class_type;
    return classType === undefined ? id : `${id} (${classType})`;
  }

  #since(at: number): string {
    return `${((at - this.#submittedAt) / 1000).toFixed(1)} s after submit`;
  }
}

function getTimestamp(rawData: unknown): number | undefined {
  const timestamp = (rawData as { timestamp?: unknown } | null)?.timestamp;
  return typeof timestamp === 'number' ? timestamp : undefined;
}

function getCachedNodes(rawData: unknown): string[] {
  const nodes = (rawData as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.map(String) : [];
}

function getHistoryTerminal(event: string, rawData: unknown, at: number): RunTerminal | undefined {
  if (event === 'execution_success') return { kind: 'success', at };
  if (event === 'execution_error') return { kind: 'error', at, ...optionalData(executionErrorDataSchema.safeParse(rawData)) };
  if (event === 'execution_interrupted') {
    return { kind: 'interrupted', at, ...optionalData(executionInterruptedDataSchema.safeParse(rawData)) };
  }
  return undefined;
}

function optionalData<T>(parsed: { success: true; data: T } | { success: false }): { data?: T } {
  return parsed.success ? { data: parsed.data } : {};
}
