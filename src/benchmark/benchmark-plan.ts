import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GateConfig } from '../config/gate-config.ts';
import { apiWorkflowSchema, type ApiWorkflow } from '../comfyui/schemas.ts';
import type { WorkflowInfo } from '../truths/benchmark-report.ts';
import { describeWorkflow, getRoleByClass, getSamplingNodeIds, withSeed } from './custom-workflow.ts';
import { BENCHMARK_NODE_ROLES, buildBenchmarkWorkflow } from './workflow.ts';

/** Where the plan's workflow lives, as the report names it. */
export const PLAN_WORKFLOW_PATH = 'src/benchmark/benchmark-workflow.json';

/** What one benchmark run queues and how its nodes are read: the plan's workflow, or GATE_WORKFLOW's. */
export interface BenchmarkPlan {
  readonly info: WorkflowInfo;
  /** Nodes that sample: their progress gives steps/s, and a cached one means the run measured nothing. */
  readonly samplingNodeIds: readonly string[];
  /** The image size the gate can hold the result to (the plan's workflow only). */
  readonly expectedImage?: { readonly width: number; readonly height: number };
  /** The workflow to queue for a seed: a new object each time. */
  build(seed: number): ApiWorkflow;
  /** What a node does ("checkpoint load", "sampling", …), for the breakdown. */
  getRole(nodeId: string, classType: string | undefined): string;
}

/** The plan for this configuration: GATE_WORKFLOW when set, else the plan's workflow with the configured parameters. */
export function getBenchmarkPlan(config: GateConfig): BenchmarkPlan {
  const custom = config.workflow;
  if (custom === undefined) {
    const { benchmark } = config;
    return {
      info: {
        source: 'plan',
        path: PLAN_WORKFLOW_PATH,
        sha256: getPlanWorkflowSha256(),
        samplerNode: { id: '3', classType: 'KSampler' },
        steps: benchmark.steps,
        sampler: benchmark.sampler,
        checkpoint: benchmark.checkpoint,
        width: benchmark.width,
        height: benchmark.height,
      },
      samplingNodeIds: ['3'],
      expectedImage: { width: benchmark.width, height: benchmark.height },
      build: (seed) => buildBenchmarkWorkflow({ ...benchmark, seed }),
      getRole: (nodeId) => BENCHMARK_NODE_ROLES[nodeId] ?? 'other',
    };
  }
  return {
    info: { source: 'custom', path: custom.path, sha256: custom.sha256, ...describeWorkflow(custom.graph) },
    samplingNodeIds: getSamplingNodeIds(custom.graph),
    build: (seed) => apiWorkflowSchema.parse(withSeed(custom.graph, seed)),
    getRole: (_nodeId, classType) => getRoleByClass(classType),
  };
}

let planSha256: string | undefined;

function getPlanWorkflowSha256(): string {
  planSha256 ??= createHash('sha256')
    .update(readFileSync(new URL('./benchmark-workflow.json', import.meta.url)))
    .digest('hex');
  return planSha256;
}
