import { getPlannedSteps, getSamplerNodeIds, getSuspicion } from './judge-plausibility.ts';
import { readHistoryEntry } from './read-history-entry.ts';
import { getClientSeconds, getServerSeconds, getStepsPerSecond } from './run-outcome.ts';
import type { NodeTiming, RunOutcome, StepEvent } from './run-outcome.ts';
import { getClientEndFromServer, updateClockOffset } from './server-clock.ts';
import type { ApiWorkflow, ExecutionErrorData, ExecutionInterruptedData, HistoryEntry, ImageRef, KnownComfyMessage } from './schemas.ts';

/** How a run ended; `at` is the client time it ended (for a history ending: mapped from the server's timestamp). */
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
  #cachedNodeIds: string[] = [];
  readonly #executedNodeIds: string[] = [];
  #open: OpenNode | undefined;
  #serverStart: number | undefined;
  #serverEnd: number | undefined;
  #clockOffset: number | undefined;
  #lastMessageAt: number | undefined;
  #lastSeen = 'nothing for this prompt yet';

  constructor({ promptId, submittedAt, workflow }: { promptId: string; submittedAt: number; workflow?: ApiWorkflow }) {
    this.#promptId = promptId;
    this.#submittedAt = submittedAt;
    this.#workflow = workflow;
  }

  /** Records one message of this prompt; returns the terminal state when the message ends the run. */
  record(message: KnownComfyMessage, at: number): RunTerminal | undefined {
    this.#lastMessageAt = at;
    if ('timestamp' in message.data && typeof message.data.timestamp === 'number') {
      this.#clockOffset = updateClockOffset(this.#clockOffset, at, message.data.timestamp);
    }
    const since = this.#since(at);
    switch (message.type) {
      case 'execution_start':
        this.#serverStart ??= message.data.timestamp;
        this.#lastSeen = `execution_start ${since}`;
        return undefined;
      case 'execution_cached':
        this.#cachedNodeIds = [...message.data.nodes];
        return undefined;
      case 'executing':
        if (message.data.node === null) return this.#end({ kind: 'success', at }); // older servers' completion marker
        if (this.#open?.id !== message.data.node) {
          this.#closeOpenNode(at);
          this.#open = { id: message.data.node, startedAt: at };
          this.#noteExecuted([message.data.node]);
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

  /**
   * Completes the record from a finished history entry, which arrived at `seenAt`. Its status
   * messages carry the server timestamps: they give the server's run time, and the run's end on
   * the client clock (see server-clock.ts), never the time the poll happened to find the entry.
   */
  applyHistory(entry: HistoryEntry, seenAt: number): RunTerminal {
    const reading = readHistoryEntry(entry);
    this.#workflow ??= reading.workflow;
    this.#serverStart = reading.serverStart ?? this.#serverStart;
    this.#serverEnd = reading.serverEnd ?? this.#serverEnd;
    if (reading.cachedNodeIds !== undefined) this.#cachedNodeIds = [...reading.cachedNodeIds];
    this.#addImages(reading.images);
    const at = getClientEndFromServer({
      serverEnd: reading.serverEnd,
      serverStart: this.#serverStart,
      offset: this.#clockOffset,
      submittedAt: this.#submittedAt,
      lastSeenAt: this.#lastMessageAt,
      historySeenAt: seenAt,
    });
    // A success ran every node its outputs need that was not cached; a failure lists what ran.
    this.#noteExecuted(reading.ending.kind === 'success' ? this.#getUncachedNodeIds(reading.outputNodeIds) : (reading.executedNodeIds ?? []));
    return this.#end({ ...reading.ending, at });
  }

  /** The successful run's record; `via` also names where its end was timed. */
  getOutcome(via: RunOutcome['via'], completedAt: number, fallbackReason?: string): RunOutcome {
    const timing = {
      submittedAt: this.#submittedAt,
      completedAt,
      ...(this.#serverStart === undefined ? {} : { serverStart: this.#serverStart }),
      ...(this.#serverEnd === undefined ? {} : { serverEnd: this.#serverEnd }),
    };
    const suspect = getSuspicion({
      stepsPerSecond: getStepsPerSecond(this.#steps),
      serverSeconds: getServerSeconds(timing),
      clientSeconds: getClientSeconds(timing),
      plannedSteps: getPlannedSteps(this.#workflow) ?? this.#steps.at(-1)?.max,
      samplerNodeIds: getSamplerNodeIds(this.#workflow),
      cachedNodeIds: this.#cachedNodeIds,
    });
    return {
      promptId: this.#promptId,
      via,
      ...(fallbackReason === undefined ? {} : { fallbackReason }),
      ...timing,
      nodes: this.#nodes.map((node) => this.#withClassType(node)),
      cachedNodeIds: [...this.#cachedNodeIds],
      executedNodeIds: [...this.#executedNodeIds],
      cachedNodes: [...this.#cachedNodeIds],
      steps: [...this.#steps],
      images: [...this.#images],
      ...(suspect === undefined ? {} : { suspect }),
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

  #noteExecuted(ids: readonly string[]): void {
    for (const id of ids) if (!this.#executedNodeIds.includes(id)) this.#executedNodeIds.push(id);
  }

  // The nodes the outputs depend on (all nodes when the outputs are unknown), minus the cached ones.
  #getUncachedNodeIds(outputNodeIds: readonly string[] | undefined): string[] {
    const workflow = this.#workflow ?? {};
    const needed = outputNodeIds === undefined ? Object.keys(workflow) : [...getUpstreamNodeIds(workflow, outputNodeIds)];
    return needed.filter((id) => !this.#cachedNodeIds.includes(id)).sort(compareNodeIds);
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

/** `ids` and every node they read from through links (`["<node id>", <output index>]`). */
function getUpstreamNodeIds(workflow: ApiWorkflow, ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...ids];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const node = workflow[id];
    if (seen.has(id) || node === undefined) continue;
    seen.add(id);
    for (const value of Object.values(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string') stack.push(value[0]);
    }
  }
  return seen;
}

// Node ids are usually integers; keep "10" after "9".
function compareNodeIds(a: string, b: string): number {
  const diff = Number(a) - Number(b);
  return Number.isNaN(diff) || diff === 0 ? a.localeCompare(b) : diff;
}
