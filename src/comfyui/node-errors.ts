import { sanitizeLine } from '../text/sanitize.ts';
import type { NodeValidationError, PromptRejection } from './schemas.ts';

/**
 * Readable text for a rejected POST /prompt: one line per node error, or the top-level error. A
 * string is a non-JSON body. Each line is server text made inert (sanitizeLine): it cannot break
 * into lines of its own.
 */
export function formatPromptRejection(body: PromptRejection | string): string {
  if (typeof body === 'string') return `ComfyUI answered with a non-JSON body: ${sanitizeLine(body) || '(empty)'}`;
  const lines = getNodeErrorEntries(body).map(({ nodeId, classType, error }) => formatNodeError(nodeId, classType, error));
  if (lines.length > 0) return lines.map((line) => sanitizeLine(line, 500)).join('\n');
  const { message, details } = body.error;
  return sanitizeLine(details === undefined || details === '' || details === message ? message : `${message} (${details})`, 500);
}

/** The checkpoint name a rejection says is not installed, if that is what it says. */
export function getMissingCheckpoint(body: PromptRejection): string | undefined {
  for (const { error } of getNodeErrorEntries(body)) {
    if (isMissingCheckpoint(error)) return getReceivedValue(error);
  }
  return undefined;
}

/** The allowed values of a `value_not_in_list` error: from `input_config[0]` when it is the list, else parsed from `details`. */
export function getAllowedValues(error: NodeValidationError): string[] | undefined {
  const config = error.extra_info?.input_config;
  if (Array.isArray(config) && Array.isArray(config[0])) return config[0].map(String);
  // details is Python's repr: "ckpt_name: 'x' not in ['a.safetensors', 'b.safetensors']"
  const list = /not in \[(.*)\]\s*$/s.exec(error.details ?? '')?.[1];
  if (list === undefined) return undefined;
  return [...list.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? match[2] ?? '');
}

interface NodeErrorEntry {
  readonly nodeId: string;
  readonly classType: string | undefined;
  readonly error: NodeValidationError;
}

function getNodeErrorEntries(body: PromptRejection): NodeErrorEntry[] {
  const nodes = Object.entries(body.node_errors ?? {}).sort(([a], [b]) => compareNodeIds(a, b));
  return nodes.flatMap(([nodeId, node]) => node.errors.map((error) => ({ nodeId, classType: node.class_type, error })));
}

function formatNodeError(nodeId: string, classType: string | undefined, error: NodeValidationError): string {
  if (isMissingCheckpoint(error)) {
    const installed = getAllowedValues(error);
    const list = installed === undefined ? 'unknown' : installed.length === 0 ? 'none' : installed.join(', ');
    return `checkpoint ${getReceivedValue(error) ?? '(unnamed)'} not found; installed: ${list}`;
  }
  const node = classType === undefined ? `node ${nodeId}` : `node ${nodeId} (${classType})`;
  const input = error.extra_info?.input_name;
  const details = error.details === undefined || error.details === '' ? '' : ` (${error.details})`;
  return `${node}: ${input === undefined ? '' : `${input}: `}${error.message}${details}`;
}

function isMissingCheckpoint(error: NodeValidationError): boolean {
  return error.type === 'value_not_in_list' && error.extra_info?.input_name === 'ckpt_name';
}

function getReceivedValue(error: NodeValidationError): string | undefined {
  const received = error.extra_info?.received_value;
  if (typeof received === 'string') return received;
  return /^\w+: '(.*)' not in /s.exec(error.details ?? '')?.[1];
}

// Node ids are usually integers; keep "10" after "9".
function compareNodeIds(a: string, b: string): number {
  const diff = Number(a) - Number(b);
  return Number.isNaN(diff) || diff === 0 ? a.localeCompare(b) : diff;
}
