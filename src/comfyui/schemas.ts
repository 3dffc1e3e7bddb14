import { z } from 'zod';

// Every object schema is loose: ComfyUI adds fields between versions and the gate must not break on them.

/** A node graph in ComfyUI's API format: node id → class and inputs (a link is `[nodeId, outputIndex]`). */
export const apiWorkflowSchema = z.record(z.string(), z.looseObject({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) }));
export type ApiWorkflow = z.infer<typeof apiWorkflowSchema>;

// Only what a verdict needs is required: a device's `type` (the device truth) and `name` (to show it).
// Everything else is optional: older ComfyUI versions lack some fields, and the report says
// "n/a (not reported by this ComfyUI version)" for what is missing.
export const deviceSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  index: z.number().nullable().optional(),
  vram_total: z.number().optional(),
  vram_free: z.number().optional(),
  torch_vram_total: z.number().optional(),
  torch_vram_free: z.number().optional(),
});
export type ComfyDevice = z.infer<typeof deviceSchema>;

/** GET /system_stats: `devices` is required, every `system` field optional (and `system` itself, read as `{}`). */
export const systemStatsSchema = z.looseObject({
  system: z
    .looseObject({
      os: z.string().optional(),
      ram_total: z.number().optional(),
      ram_free: z.number().optional(),
      comfyui_version: z.string().optional(),
      python_version: z.string().optional(),
      pytorch_version: z.string().optional(),
      embedded_python: z.boolean().optional(),
      argv: z.array(z.string()).optional(),
    })
    .default({}),
  devices: z.array(deviceSchema).min(1, 'ComfyUI reported no devices (expected at least one)'),
});
export type SystemStats = z.infer<typeof systemStatsSchema>;

/** POST /prompt, status 200. */
export const queuedPromptSchema = z.looseObject({
  prompt_id: z.string(),
  number: z.number(),
  node_errors: z.record(z.string(), z.unknown()),
});
export type QueuedPromptBody = z.infer<typeof queuedPromptSchema>;

export const nodeValidationErrorSchema = z.looseObject({
  type: z.string(),
  message: z.string(),
  details: z.string().optional(),
  extra_info: z
    .looseObject({
      input_name: z.string().optional(),
      received_value: z.unknown().optional(),
      input_config: z.unknown().optional(),
    })
    .optional(),
});
export type NodeValidationError = z.infer<typeof nodeValidationErrorSchema>;

/** POST /prompt, status 400: the workflow was rejected before it ran. */
export const promptRejectionSchema = z.looseObject({
  error: z.looseObject({
    type: z.string(),
    message: z.string(),
    details: z.string().optional(),
    extra_info: z.unknown().optional(),
  }),
  node_errors: z
    .record(
      z.string(),
      z.looseObject({
        errors: z.array(nodeValidationErrorSchema),
        dependent_outputs: z.array(z.string()).optional(),
        class_type: z.string().optional(),
      }),
    )
    .optional(),
});
export type PromptRejection = z.infer<typeof promptRejectionSchema>;

export const imageRefSchema = z.looseObject({ filename: z.string(), subfolder: z.string(), type: z.string() });
export type ImageRef = z.infer<typeof imageRefSchema>;

// ---- WebSocket messages: `data` of each known type ----

const promptScoped = { prompt_id: z.string() };
const timestamp = z.number().optional(); // server wall clock, epoch ms; absent on old servers

export const statusDataSchema = z.looseObject({
  status: z.looseObject({ exec_info: z.looseObject({ queue_remaining: z.number() }).optional() }).optional(),
  sid: z.string().optional(),
});
export const executionStartDataSchema = z.looseObject({ ...promptScoped, timestamp });
export const executionCachedDataSchema = z.looseObject({ ...promptScoped, nodes: z.array(z.string()), timestamp });
export const executingDataSchema = z.looseObject({
  ...promptScoped,
  node: z.string().nullable(),
  display_node: z.string().optional(),
});
export const progressDataSchema = z.looseObject({
  ...promptScoped,
  value: z.number(),
  max: z.number(),
  node: z.string().nullable().optional(),
});
export const progressStateDataSchema = z.looseObject({ ...promptScoped, nodes: z.record(z.string(), z.unknown()) });
export const executedDataSchema = z.looseObject({
  ...promptScoped,
  node: z.string(),
  display_node: z.string().optional(),
  output: z
    .looseObject({ images: z.array(imageRefSchema).optional() })
    .nullable()
    .optional(),
});
export const executionSuccessDataSchema = z.looseObject({ ...promptScoped, timestamp });
export const executionErrorDataSchema = z.looseObject({
  ...promptScoped,
  node_id: z.string(),
  node_type: z.string(),
  executed: z.array(z.string()).optional(),
  exception_message: z.string(),
  exception_type: z.string(),
  traceback: z.array(z.string()),
  current_inputs: z.unknown().optional(),
  current_outputs: z.unknown().optional(),
  timestamp,
});
export const executionInterruptedDataSchema = z.looseObject({
  ...promptScoped,
  node_id: z.string().nullable().optional(),
  node_type: z.string().nullable().optional(),
  executed: z.array(z.string()).optional(),
  timestamp,
});
export type ExecutionErrorData = z.infer<typeof executionErrorDataSchema>;
export type ExecutionInterruptedData = z.infer<typeof executionInterruptedDataSchema>;

const message = <T extends string, D extends z.ZodType>(type: T, data: D) => z.looseObject({ type: z.literal(type), data });

/** A text frame of a type the gate knows, validated by its `type`. */
export const knownComfyMessageSchema = z.discriminatedUnion('type', [
  message('status', statusDataSchema),
  message('execution_start', executionStartDataSchema),
  message('execution_cached', executionCachedDataSchema),
  message('executing', executingDataSchema),
  message('progress', progressDataSchema),
  message('progress_state', progressStateDataSchema),
  message('executed', executedDataSchema),
  message('execution_success', executionSuccessDataSchema),
  message('execution_error', executionErrorDataSchema),
  message('execution_interrupted', executionInterruptedDataSchema),
]);
export type KnownComfyMessage = z.infer<typeof knownComfyMessageSchema>;
export type KnownComfyMessageType = KnownComfyMessage['type'];

/** The catch-all: any other `{type, data}` frame (newer servers, custom nodes). */
export const unknownComfyMessageSchema = z.looseObject({ type: z.string(), data: z.unknown().optional() });
export interface UnknownComfyMessage {
  readonly type: string;
  readonly data?: unknown;
  readonly known: false;
}

export type ComfyMessage = (KnownComfyMessage & { readonly known: true }) | UnknownComfyMessage;

const KNOWN_TYPES: ReadonlySet<string> = new Set(knownComfyMessageSchema.options.map((option) => option.shape.type.value));

export type ComfyMessageParse = { readonly ok: true; readonly message: ComfyMessage } | { readonly ok: false; readonly issues: readonly string[] };

/** Validates one decoded text frame: known types against their schema, anything else with a string `type` passes as unknown. */
export function parseComfyMessage(rawMessage: unknown): ComfyMessageParse {
  const envelope = unknownComfyMessageSchema.safeParse(rawMessage);
  if (!envelope.success) return { ok: false, issues: formatIssues(envelope.error) };
  if (!KNOWN_TYPES.has(envelope.data.type)) {
    return { ok: true, message: { type: envelope.data.type, data: envelope.data.data, known: false } };
  }
  const known = knownComfyMessageSchema.safeParse(rawMessage);
  if (!known.success) return { ok: false, issues: formatIssues(known.error) };
  return { ok: true, message: { ...known.data, known: true } };
}

/** GET /history/<id> → the entry under that id. */
export const historyEntrySchema = z.looseObject({
  prompt: z.tuple([z.number(), z.string(), apiWorkflowSchema], z.unknown()),
  outputs: z.record(z.string(), z.looseObject({ images: z.array(imageRefSchema).optional() })),
  // null on servers that finished a prompt without reporting a status
  status: z
    .looseObject({
      status_str: z.string(),
      completed: z.boolean(),
      messages: z.array(z.tuple([z.string(), z.unknown()], z.unknown())),
    })
    .nullable()
    .optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** zod issues as `path: message` lines, so an error can say which field is wrong. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}
