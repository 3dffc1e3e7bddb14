import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { CustomWorkflow, WorkflowGraph } from './gate-config.ts';

/** A workflow bigger than this is not a workflow someone exported: refuse it before reading it. */
export const MAX_WORKFLOW_BYTES = 5 * 1024 * 1024;
const MAX_ISSUES = 10;

const EXPORT_HINT =
  'open the workflow in ComfyUI and use the menu Workflow → Export (API) (older versions: enable "Dev mode Options" in the settings, then "Save (API Format)"), and point GATE_WORKFLOW at that file';

// The API format: node id → { class_type, inputs }; unknown fields (such as _meta) are kept.
const workflowSchema = z.record(
  z.string(),
  z.looseObject({
    class_type: z.string({ error: 'must have a class_type (the node class name)' }).trim().min(1, 'class_type must not be empty'),
    inputs: z.record(z.string(), z.unknown(), { error: 'must have an inputs object' }),
  }),
  { error: 'must be a JSON object of node id → node' },
);

/** Reads and checks the GATE_WORKFLOW file: an API-format workflow, at most 5 MB, links that point at its own nodes. */
export function readWorkflowFile(path: string): CustomWorkflow {
  const fail = (what: string, hint = EXPORT_HINT, cause?: unknown): never => {
    throw new ConfigError(`GATE_WORKFLOW=${JSON.stringify(path)} ${what}`, {
      hint,
      context: { variable: 'GATE_WORKFLOW', value: path },
      ...(cause === undefined ? {} : { cause }),
    });
  };
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined)
    return fail('does not exist', 'set GATE_WORKFLOW to the path of a workflow exported with Workflow → Export (API), or unset it to run the plan’s workflow');
  if (!stats.isFile()) return fail('is not a file', 'set GATE_WORKFLOW to the workflow’s .json file, not its folder');
  if (stats.size > MAX_WORKFLOW_BYTES)
    return fail(
      `is ${stats.size} bytes: more than the ${MAX_WORKFLOW_BYTES} bytes (5 MB) a workflow may have`,
      'check the path: an exported workflow is a few kilobytes',
    );
  let bytes: Buffer;
  let raw: unknown;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return fail('cannot be read', 'check the file’s permissions', error);
  }
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return fail(`is not JSON: ${sanitizeLine(error instanceof Error ? error.message : error, 160)}`);
  }
  if (isUiFormat(raw)) {
    return fail('is a workflow in ComfyUI’s UI format (it has "nodes" and "links" arrays); the gate needs the API format, which it can queue');
  }
  const parsed = workflowSchema.safeParse(raw);
  if (!parsed.success) return fail(`is not an API-format workflow: ${formatIssues(parsed.error.issues)}`);
  const problems = getGraphProblems(parsed.data);
  if (problems.length > 0)
    return fail(`is not a complete workflow: ${problems.slice(0, MAX_ISSUES).join('; ')}`, 'export the workflow again with Workflow → Export (API)');
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, graph: parsed.data };
}

/** ComfyUI's UI (save) format: a graph of `nodes` and `links` arrays, which /prompt does not take. */
export function isUiFormat(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const { nodes, links } = raw as Record<string, unknown>;
  return Array.isArray(nodes) && Array.isArray(links);
}

function getGraphProblems(graph: WorkflowGraph): string[] {
  if (Object.keys(graph).length === 0) return ['it has no nodes'];
  return Object.entries(graph).flatMap(([id, node]) =>
    Object.entries(node.inputs).flatMap(([input, value]) => {
      // A link is ["<node id>", <output index>]; it must point at a node of this workflow.
      if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || !Number.isInteger(value[1])) return [];
      return value[0] in graph
        ? []
        : [`node ${sanitizeLine(id, 40)} input ${sanitizeLine(input, 40)} links to node ${sanitizeLine(value[0], 40)}, which is not in the workflow`];
    }),
  );
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = issue.path.map((part) => sanitizeLine(String(part), 40)).join('.');
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
  return `${lines.join('; ')}${issues.length > MAX_ISSUES ? `; …(${issues.length - MAX_ISSUES} more)` : ''}`;
}
