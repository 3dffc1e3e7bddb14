import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readPngText } from '../../src/image/decode-png.ts';
import { startAttachedFake } from './attached-fake.ts';
import { runGate } from './run-gate.ts';

interface PromptGraph {
  readonly [id: string]: { readonly class_type: string; readonly inputs: Record<string, unknown> };
}

/** The KSampler seed of an API-format graph. */
function getSamplerSeed(graph: PromptGraph): unknown {
  return Object.values(graph).find((node) => node.class_type === 'KSampler')?.inputs.seed;
}

// The configuration is parsed once per run: the random seed drawn then is the one ComfyUI ran, the
// one its PNG records, and the one the report and benchmark.json show.
describe('one seed per run', () => {
  test('the report, benchmark.json, the prompt the server received and the PNG prompt chunk name the same seed', async (context) => {
    const { url } = await startAttachedFake(context);
    const run = await runGate({ env: { COMFYUI_URL: url }, args: ['specs/reachable', 'specs/generation-under-budget'] });
    expect(run.exitCode).toBe(0);
    const seed = run.report?.benchmark.seed;
    expect(seed).toEqual(expect.any(Number));
    expect(run.markdown).toContain(`- Seed: ${seed}\n`);

    const history = (await (await fetch(`${url}/history`)).json()) as Record<string, { prompt: [number, string, PromptGraph] }>;
    const received = Object.values(history).map((entry) => getSamplerSeed(entry.prompt[2]));
    expect(received).toEqual([seed]);

    const png = readFileSync(join(run.reportDir, 'benchmark-output.png'));
    const chunk = readPngText(png).prompt;
    expect(getSamplerSeed(JSON.parse(chunk ?? '{}') as PromptGraph)).toBe(seed);
  });
});
