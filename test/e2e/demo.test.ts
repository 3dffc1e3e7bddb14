import { makeTempDir } from './temp-dirs.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../fixtures/fake-env.ts';
import { waitForLeftovers } from '../../fixtures/tagged-processes.ts';
import { DEMO_SCENARIOS } from '../../scripts/lib/demo-scenarios.ts';
import type { BenchmarkReport } from '../../src/truths/benchmark-report.ts';

// `npm run demo -- --scenario <name>` exactly as a newcomer types it: one SIMULATED report per
// scenario in its own folder, whose headline names what the scenario shows.

/** Two demos at a time: each boots a fake ComfyUI and runs the whole gate, on two shared cores. */
const CONCURRENCY = 2;
const RUN_TIMEOUT_MS = 60_000;

interface DemoRun {
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly headline: string;
  readonly report: BenchmarkReport | undefined;
  readonly leftovers: readonly string[];
}

/** Runs `npm run demo` with the arguments and the person's own variables; collects what it left. */
async function runDemo(args: readonly string[], userEnv: Readonly<Record<string, string>> = {}): Promise<DemoRun & { readonly reportDir: string }> {
  const outDir = makeTempDir('demo');
  const tag = randomUUID();
  const result = await execa('npm', ['run', 'demo', '--', ...args, '--out', outDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...userEnv, GATE_E2E_TAG: tag },
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: RUN_TIMEOUT_MS,
  });
  const scenario = args[args.indexOf('--scenario') + 1] ?? 'pass';
  const reportDir = join(outDir, scenario);
  return {
    exitCode: result.exitCode,
    output: stripVTControlCharacters(result.all ?? ''),
    headline: readHeadline(join(reportDir, '05-BENCHMARK.md')),
    report: existsSync(join(reportDir, 'benchmark.json'))
      ? (JSON.parse(readFileSync(join(reportDir, 'benchmark.json'), 'utf8')) as BenchmarkReport)
      : undefined,
    leftovers: await waitForLeftovers(tag, 5000),
    reportDir,
  };
}

/** The first `> ` line after the title: the SIMULATED banner comes before the title. */
function readHeadline(path: string): string {
  if (!existsSync(path)) return '(no report)';
  const lines = readFileSync(path, 'utf8').split('\n');
  return lines.slice(lines.findIndex((line) => line.startsWith('# '))).find((line) => line.startsWith('> ')) ?? '(no headline)';
}

/** What each scenario's headline must name, after "Phase 5 gate: <verdict> (SIMULATED)". */
const NAMED: Readonly<Record<string, RegExp>> = {
  pass: /^> \*\*Phase 5 gate: PASS \(SIMULATED\)\*\* — 7 of 7 truths passed; /,
  'cpu-fallback': /^> \*\*Phase 5 gate: FAIL \(SIMULATED\)\*\* — .*GPU idle for 2 s after queueing: ComfyUI is not using the GPU \(CPU fallback\?\)/,
  'wrong-device': /^> \*\*Phase 5 gate: FAIL \(SIMULATED\)\*\* — 6 of 7 truths passed; failed: MPS active \(\/system_stats devices\[0\]\.type == "mps"\)/,
  'over-budget': /^> \*\*Phase 5 gate: FAIL \(SIMULATED\)\*\* — .*generation took \d+\.\d\d s \(budget 1 s; 7 nodes ran, 0 answered from ComfyUI's cache\)/,
  crash: /^> \*\*Phase 5 gate: FAIL \(SIMULATED\)\*\* — .*ComfyUI at http:\/\/127\.0\.0\.1:\d+ stopped answering during run /,
};

describe('npm run demo', () => {
  const runs = new Map<string, DemoRun>();

  beforeAll(async () => {
    const queue = [...DEMO_SCENARIOS];
    const worker = async () => {
      for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) {
        // The pass run also carries a person's own settings: one the demo uses, one it cannot.
        const userEnv: Record<string, string> = scenario.name === 'pass' ? { GATE_STEPS: '8', COMFYUI_DIR: '/Users/someone/tools/ComfyUI' } : {};
        runs.set(scenario.name, await runDemo(['--scenario', scenario.name], userEnv));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }, 4 * RUN_TIMEOUT_MS);

  test.each(DEMO_SCENARIOS.map((scenario) => [scenario.name, scenario.expected] as const))(
    '%s: a SIMULATED report whose headline names it (gate %s)',
    (name, expected) => {
      const run = runs.get(name);
      expect(run?.headline, `npm run demo printed, at its end:\n${run?.output.split('\n').slice(-30).join('\n')}`).toMatch(NAMED[name] ?? /no expectation/);
      expect(run?.report?.simulated).toBe(true);
      expect(run?.report?.phaseVerdict).toBe(expected);
      // As the gate would exit: 0 for a pass, 1 for a failure.
      expect(run?.exitCode).toBe(expected === 'PASS' ? 0 : 1);
      expect(run?.leftovers).toEqual([]);
    },
  );

  test("uses the person's own settings where it can and says which it cannot, never silently", () => {
    const run = runs.get('pass');
    expect(run?.output).toContain('[comfyui-gate] demo: not using your COMFYUI_DIR=/Users/someone/tools/ComfyUI: the demo boots the built-in fake ComfyUI');
    expect(run?.output).toMatch(/\[comfyui-gate\] demo: using your .*GATE_STEPS=8/);
    expect(run?.report?.benchmark.steps).toBe(8);
  });

  test('an unknown scenario lists the scenarios and exits 2', async () => {
    const result = await execa('npm', ['run', 'demo', '--', '--scenario', 'nope'], { cwd: REPO_ROOT, reject: false, all: true, stdin: 'ignore' });
    expect(result.exitCode).toBe(2);
    const output = stripVTControlCharacters(result.all ?? '');
    expect(output).toContain('npm run demo: unknown scenario "nope"');
    for (const scenario of DEMO_SCENARIOS) expect(output).toMatch(new RegExp(`^  ${scenario.name} +${scenario.shows.replace(/[()[\]]/g, '\\$&')}`, 'm'));
  });
});
