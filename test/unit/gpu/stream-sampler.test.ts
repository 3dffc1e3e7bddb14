import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getStateDir } from '../../../src/run-record/run-state.ts';
import { GpuParseError } from '../../../src/gpu/gpu-parse-error.ts';
import type { GpuSampler } from '../../../src/gpu/gpu-sampler.ts';
import { parseMacmonLine } from '../../../src/gpu/parse-macmon.ts';
import { startStreamSampler } from '../../../src/gpu/stream-sampler.ts';

// A Node script stands in for a line-based tool, so the sampler reads a real child's stdout.
let reportDir: string;
const samplers: GpuSampler[] = [];

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'gate-stream-sampler-'));
});

afterEach(async () => {
  await Promise.all(samplers.splice(0).map((sampler) => sampler.stop()));
  rmSync(reportDir, { recursive: true, force: true });
});

/** Starts a line-based sampler on `node -e script`, reading each line as macmon's. */
function startLineTool(script: string): GpuSampler {
  const sampler = startStreamSampler({
    name: 'macmon',
    file: process.execPath,
    args: ['-e', script],
    intervalMs: 100,
    reportDir,
    records: 'lines',
    parseRecord: (line, receivedAt) => parseMacmonLine(line, receivedAt),
  });
  samplers.push(sampler);
  return sampler;
}

const registered = () => readdirSync(join(getStateDir(reportDir), 'children'));

describe('startStreamSampler reading lines', () => {
  it('reads \\r\\n and \\n lines, skips blank ones, and on exit drops the line the tool never finished', async () => {
    const sampler = startLineTool(
      `process.stdout.write('{"gpu_usage":[396,0.5]}\\r\\n\\r\\n  \\n{"gpu_usage":[396,0.25]}\\n{"gpu_usa'); process.stderr.write('macmon: boom\\n'); process.exit(3);`,
    );
    expect((await sampler.firstSample()).activePercent).toBe(50);
    await vi.waitFor(() => expect(sampler.failure()).toBeDefined(), { timeout: 5000, interval: 20 });
    expect(sampler.failure()?.message).toBe('macmon stopped with exit code 3 after 2 sample(s): macmon: boom');
    expect(sampler.samples().map((sample) => sample.activePercent)).toEqual([50, 25]);
    expect(registered()).toEqual([]);
  });

  it('fails on a line it cannot read and stops the tool', async () => {
    const sampler = startLineTool(`process.stdout.write('<html>Bad Gateway</html>\\n'); setInterval(() => undefined, 1000);`);
    const error = await sampler.firstSample().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(GpuParseError);
    expect(error).toMatchObject({ message: 'macmon line is not JSON; the input starts with "<html>Bad Gateway</html>"' });
    await vi.waitFor(() => expect(registered()).toEqual([]), { timeout: 5000, interval: 20 });
    expect(sampler.samples()).toEqual([]);
  });
});
