import { join } from 'node:path';
import { execa } from 'execa';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../fixtures/fake-env.ts';
import { describeUserSettings, parseDemoArgs, sortUserSettings } from './lib/demo-options.ts';
import { DEMO_BASE_ENV } from './lib/demo-scenarios.ts';

// `npm run demo [-- --scenario <name>] [--out <folder>]`: the whole gate against the built-in fake
// ComfyUI and fake GPU tools, passing or failing the way a real machine would, so a newcomer sees
// what a run and its report look like without a Mac. Every verdict of its report says SIMULATED
// and proves nothing. It exits as the gate does: 0 for a pass, 1 for the failure scenarios.

const options = parseDemoArgs(process.argv.slice(2), join(REPO_ROOT, 'reports', 'demo'), process.env.INIT_CWD ?? process.cwd());
if (options.kind === 'exit') {
  (options.code === 0 ? process.stdout : process.stderr).write(`${options.text}\n`);
  process.exit(options.code);
}
const { scenario, outDir } = options;
const reportDir = join(outDir, scenario.name);
const settings = sortUserSettings(process.env, scenario);
for (const line of describeUserSettings(settings)) process.stderr.write(`[comfyui-gate] ${line}\n`);
const port = await getFreePort();
// The person's settings over the demo's pace; the scenario's own knobs over both.
const env = createFakeEnv({ port, reportDir, overrides: { ...DEMO_BASE_ENV, ...settings.used, ...scenario.env, GATE_SIMULATED: '1' } });
process.stderr.write(`[comfyui-gate] demo "${scenario.name}": ${scenario.shows}; fake ComfyUI on port ${port}, report in ${reportDir}\n`);
// Vitest's own bin under this Node, as `npx vitest` would find it, without npx's start-up (~0.4 s).
const vitestBin = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const result = await execa(process.execPath, [vitestBin, 'run', '--config', 'vitest.config.ts', '--configLoader', 'bundle'], {
  cwd: REPO_ROOT,
  env,
  extendEnv: false,
  stdio: 'inherit',
  reject: false,
});
process.exitCode = result.exitCode ?? 1;
