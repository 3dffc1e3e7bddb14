import { z } from 'zod';
import { assertStatus, parseJsonBody, sendRequest } from '../comfyui/http-request.ts';
import type { WorkflowGraph } from '../config/gate-config.ts';
import { GateError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import { getSortedNodeIds } from './custom-workflow.ts';

/** Inputs that name a model file, whatever the file is called. */
const MODEL_INPUTS =
  /^(ckpt|lora|vae|control_net|controlnet|unet|clip|clip_vision|style_model|gligen|hypernetwork|upscale_model|model|config|ipadapter)_name\d*$|^clip_vision$/;
const MODEL_EXTENSIONS = /\.(safetensors|ckpt|pt|pt2|pth|bin|sft|gguf|onnx|pkl)$/i;
const SHOWN_CHOICES = 5;

const classInfoSchema = z.looseObject({
  input: z.looseObject({ required: z.record(z.string(), z.unknown()).optional(), optional: z.record(z.string(), z.unknown()).optional() }).optional(),
});
// GET /object_info/<class> answers {<class>: info}, or {} for a class the server does not have.
const objectInfoSchema = z.record(z.string(), classInfoSchema);
type ClassInfo = z.infer<typeof classInfoSchema>;

/** What the server lacks for a workflow: node classes and model files, each named with its node. */
export interface MissingParts {
  readonly classes: readonly string[];
  readonly models: readonly string[];
}

/**
 * Before queueing a GATE_WORKFLOW file: asks the server (GET /object_info/<class>) for every node
 * class the workflow uses and throws one error naming every missing class and model file.
 */
export async function checkWorkflowOnServer(baseUrl: string, graph: WorkflowGraph, timeoutMs = 30_000): Promise<void> {
  const classes = [...new Set(Object.values(graph).map((node) => node.class_type))];
  const infos = new Map(await Promise.all(classes.map(async (name) => [name, await getClassInfo(baseUrl, name, timeoutMs)] as const)));
  const missing = findMissingParts(graph, infos);
  if (missing.classes.length === 0 && missing.models.length === 0) return;
  throw new GateError(
    'WORKFLOW_NOT_RUNNABLE',
    `The workflow in GATE_WORKFLOW cannot run on this ComfyUI: ${[...missing.classes, ...missing.models].join('; ')}`,
    {
      hint: "install the missing custom nodes (ComfyUI-Manager → Install Missing Custom Nodes) and put the missing files into ComfyUI's models/ folders, or set GATE_WORKFLOW to a workflow this server can run",
      context: { missingClasses: missing.classes, missingModels: missing.models },
    },
  );
}

async function getClassInfo(baseUrl: string, name: string, timeoutMs: number): Promise<ClassInfo | undefined> {
  const response = await sendRequest('GET', `${baseUrl.replace(/\/+$/, '')}/object_info/${encodeURIComponent(name)}`, { timeoutMs });
  assertStatus(response);
  return parseJsonBody(response, objectInfoSchema)[name];
}

/** Compares a workflow with the server's node classes (`undefined`: the server lacks it); pure. */
export function findMissingParts(graph: WorkflowGraph, infos: ReadonlyMap<string, ClassInfo | undefined>): MissingParts {
  const classes: string[] = [];
  const models: string[] = [];
  for (const id of getSortedNodeIds(graph)) {
    const node = graph[id];
    if (node === undefined) continue;
    const shownId = sanitizeLine(id, 40);
    const shownClass = sanitizeLine(node.class_type, 100);
    const info = infos.get(node.class_type);
    if (info === undefined) {
      classes.push(`node ${shownId} uses node class "${shownClass}", which this server does not have`);
      continue;
    }
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' || !(MODEL_INPUTS.test(input) || MODEL_EXTENSIONS.test(value))) continue;
      const choices = getChoices(info.input?.required?.[input] ?? info.input?.optional?.[input]);
      if (choices === undefined || choices.includes(value)) continue;
      models.push(
        `node ${shownId} (${shownClass}) names ${sanitizeLine(input, 60)} "${sanitizeLine(value, 200)}", which is not installed (installed: ${describeChoices(choices)})`,
      );
    }
  }
  return { classes, models };
}

// A combo input lists its choices as `[[...choices], options?]`, or in newer servers as `["COMBO", {options: [...]}]`.
function getChoices(spec: unknown): string[] | undefined {
  if (!Array.isArray(spec)) return undefined;
  const [type, options] = spec as [unknown, unknown];
  const list = Array.isArray(type)
    ? type
    : type === 'COMBO' && options !== null && typeof options === 'object'
      ? (options as { options?: unknown }).options
      : undefined;
  return Array.isArray(list) ? list.filter((choice): choice is string => typeof choice === 'string') : undefined;
}

function describeChoices(choices: readonly string[]): string {
  if (choices.length === 0) return 'none';
  const shown = choices.slice(0, SHOWN_CHOICES).map((choice) => sanitizeLine(choice, 120));
  return `${shown.join(', ')}${choices.length > SHOWN_CHOICES ? `, …and ${choices.length - SHOWN_CHOICES} more` : ''}`;
}
