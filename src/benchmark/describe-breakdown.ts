import type { NodeTiming } from '../truths/benchmark-report.ts';

/** One line per phase, e.g. "sampling (node 3 KSampler): 118.20 s", so a slow run shows where the time went. */
export function describeBreakdown(nodes: readonly NodeTiming[]): string {
  return nodes
    .map((node) => `  ${node.role} (node ${node.id}${node.classType === undefined ? '' : ` ${node.classType}`}): ${node.seconds.toFixed(2)} s`)
    .join('\n');
}
