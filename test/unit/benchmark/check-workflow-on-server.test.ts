import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkflowOnServer, findMissingParts } from '../../../src/benchmark/check-workflow-on-server.ts';
import type { WorkflowGraph } from '../../../src/config/gate-config.ts';
import { GateError } from '../../../src/errors.ts';

const CATALOG: Record<string, unknown> = {
  CheckpointLoaderSimple: { input: { required: { ckpt_name: [['anything-v5-PrtRE.safetensors', 'sd15.safetensors']] } } },
  KSampler: { input: { required: { seed: ['INT', {}], sampler_name: [['euler', 'euler_ancestral']], model: ['MODEL'] } } },
  // Newer servers describe combos as ["COMBO", {options: [...]}].
  LoraLoader: { input: { required: { lora_name: ['COMBO', { options: ['detail.safetensors'] }] } } },
  VAELoader: { input: { optional: { vae_name: [['vae-ft-mse.safetensors']] } } },
  SaveImage: { input: { required: { images: ['IMAGE'], filename_prefix: ['STRING', {}] } } },
};

const RUNNABLE: WorkflowGraph = {
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd15.safetensors' } },
  '3': { class_type: 'KSampler', inputs: { seed: 1, sampler_name: 'euler', model: ['4', 0] } },
  '9': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'model.safetensors' } },
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // GET /object_info/<class> as ComfyUI answers it: {<class>: info}, or {} for a class it lacks.
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/object_info\//, ''));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(name in CATALOG ? { [name]: CATALOG[name] } : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('checkWorkflowOnServer', () => {
  it('lets a workflow through whose classes and model files the server has', async () => {
    await expect(checkWorkflowOnServer(baseUrl, RUNNABLE)).resolves.toBe(undefined);
  });

  it('names every missing node class and model file, each with its node', async () => {
    const graph: WorkflowGraph = {
      ...RUNNABLE,
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'anything-v4.safetensors' } },
      '12': { class_type: 'OpenposePreprocessor', inputs: { image: ['9', 0] } },
      '13': { class_type: 'LoraLoader', inputs: { lora_name: 'missing-lora.safetensors' } },
      '14': { class_type: 'VAELoader', inputs: { vae_name: 'vae-ft-mse.safetensors' } },
    };
    const error = await checkWorkflowOnServer(baseUrl, graph).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).code).toBe('WORKFLOW_NOT_RUNNABLE');
    expect((error as GateError).message).toBe(
      [
        'The workflow in GATE_WORKFLOW cannot run on this ComfyUI: node 12 uses node class "OpenposePreprocessor", which this server does not have',
        'node 4 (CheckpointLoaderSimple) names ckpt_name "anything-v4.safetensors", which is not installed (installed: anything-v5-PrtRE.safetensors, sd15.safetensors)',
        'node 13 (LoraLoader) names lora_name "missing-lora.safetensors", which is not installed (installed: detail.safetensors)',
      ].join('; '),
    );
    expect((error as GateError).hint).toBe(
      "install the missing custom nodes (ComfyUI-Manager → Install Missing Custom Nodes) and put the missing files into ComfyUI's models/ folders, or set GATE_WORKFLOW to a workflow this server can run",
    );
    expect((error as GateError).context.missingClasses).toHaveLength(1);
  });
});

describe('findMissingParts', () => {
  it('checks model inputs only, and shows names from the file inert', () => {
    const infos = new Map(Object.entries(CATALOG) as [string, never][]);
    const graph: WorkflowGraph = {
      '3': { class_type: 'KSampler', inputs: { sampler_name: 'not-a-sampler' } },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'x\u001b[2J.safetensors' } },
      '5': { class_type: 'Evil\nNode', inputs: {} },
    };
    expect(findMissingParts(graph, infos)).toEqual({
      classes: ['node 5 uses node class "Evil ⏎ Node", which this server does not have'],
      models: [
        'node 4 (CheckpointLoaderSimple) names ckpt_name "x.safetensors", which is not installed (installed: anything-v5-PrtRE.safetensors, sd15.safetensors)',
      ],
    });
  });
});
