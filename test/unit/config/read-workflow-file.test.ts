import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WORKFLOW_BYTES, readWorkflowFile } from '../../../src/config/read-workflow-file.ts';
import { ConfigError } from '../../../src/errors.ts';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';

const PLAN_WORKFLOW = readFileSync(join(REPO_ROOT, 'src', 'benchmark', 'benchmark-workflow.json'), 'utf8');
const EXPORT_HINT =
  'open the workflow in ComfyUI and use the menu Workflow → Export (API) (older versions: enable "Dev mode Options" in the settings, then "Save (API Format)"), and point GATE_WORKFLOW at that file';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gate-workflow-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function getError(path: string): ConfigError {
  try {
    readWorkflowFile(path);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readWorkflowFile', () => {
  it('reads an API-format workflow with its SHA-256, keeping fields such as _meta', () => {
    const text = PLAN_WORKFLOW.replace('"class_type": "KSampler",', '"class_type": "KSampler", "_meta": {"title": "KSampler"},');
    const path = write('workflow_api.json', text);
    const workflow = readWorkflowFile(path);
    expect(workflow.path).toBe(path);
    expect(workflow.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(workflow.sizeBytes).toBe(Buffer.byteLength(text));
    expect(Object.keys(workflow.graph).sort()).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(workflow.graph['3']).toMatchObject({ class_type: 'KSampler', _meta: { title: 'KSampler' } });
  });

  it('says how to export the API format when given the UI format', () => {
    const path = write(
      'workflow.json',
      JSON.stringify({ last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [[1, 4, 0, 3, 0, 'MODEL']], version: 0.4 }),
    );
    const error = getError(path);
    expect(error.message).toBe(
      `GATE_WORKFLOW="${path}" is a workflow in ComfyUI’s UI format (it has "nodes" and "links" arrays); the gate needs the API format, which it can queue`,
    );
    expect(error.hint).toBe(EXPORT_HINT);
    expect(error.context).toEqual({ variable: 'GATE_WORKFLOW', value: path });
  });

  it('names what is wrong with a file that is not a workflow', () => {
    const notJson = write('a.json', '{"3": ');
    expect(getError(notJson).message).toMatch(new RegExp(`^GATE_WORKFLOW="${notJson}" is not JSON: `));
    const list = write('b.json', '[1, 2]');
    expect(getError(list).message).toBe(`GATE_WORKFLOW="${list}" is not an API-format workflow: must be a JSON object of node id → node`);
    const noClass = write('c.json', JSON.stringify({ '3': { inputs: {} }, '4': { class_type: ' ', inputs: [] } }));
    expect(getError(noClass).message).toBe(
      `GATE_WORKFLOW="${noClass}" is not an API-format workflow: 3.class_type: must have a class_type (the node class name); 4.class_type: class_type must not be empty; 4.inputs: must have an inputs object`,
    );
    const empty = write('d.json', '{}');
    expect(getError(empty).message).toBe(`GATE_WORKFLOW="${empty}" is not a complete workflow: it has no nodes`);
  });

  it('refuses a link to a node that is not in the workflow', () => {
    const path = write(
      'e.json',
      JSON.stringify({
        '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
        '4': { class_type: 'CheckpointLoaderSimple', inputs: {} },
      }),
    );
    const error = getError(path);
    expect(error.message).toBe(`GATE_WORKFLOW="${path}" is not a complete workflow: node 8 input samples links to node 3, which is not in the workflow`);
    expect(error.hint).toBe('export the workflow again with Workflow → Export (API)');
  });

  it('refuses a missing path, a folder and a file over 5 MB before reading it', () => {
    const missing = join(dir, 'nope.json');
    expect(getError(missing).message).toBe(`GATE_WORKFLOW="${missing}" does not exist`);
    expect(getError(dir).message).toBe(`GATE_WORKFLOW="${dir}" is not a file`);
    const big = write('big.json', ' '.repeat(MAX_WORKFLOW_BYTES + 1));
    expect(getError(big).message).toBe(`GATE_WORKFLOW="${big}" is ${MAX_WORKFLOW_BYTES + 1} bytes: more than the 5242880 bytes (5 MB) a workflow may have`);
  });

  it('shows node ids from the file inert', () => {
    const path = write('f.json', JSON.stringify({ '\u001b[31mred': { class_type: 'VAEDecode', inputs: { samples: ['x\u0007', 0] } } }));
    expect(getError(path).message).toBe(
      `GATE_WORKFLOW="${path}" is not a complete workflow: node red input samples links to node x\\x07, which is not in the workflow`,
    );
  });
});
