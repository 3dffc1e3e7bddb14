import { join } from 'node:path';
import { execa } from 'execa';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../fixtures/fake-env';

// The whole gate against the built-in fake ComfyUI and fake GPU tools: shows what a run looks
// like without a Mac. Its report is stamped SIMULATED on every verdict and proves nothing.
const port = await getFreePort();
const reportDir = join(REPO_ROOT, 'reports', 'demo');
const env = createFakeEnv({
  port,
  reportDir,
  overrides: { FAKE_COMFYUI_STEP_MS: '150', FAKE_COMFYUI_BOOT_MS: '1500', GATE_SIMULATED: '1' },
});
process.stderr.write(`[comfyui-gate] demo: fake ComfyUI on port ${port}, report in ${reportDir}\n`);
const result = await execa('npx', ['vitest', 'run', '--config', 'vitest.config.ts', '--configLoader', 'runner'], { cwd: REPO_ROOT, env, extendEnv: false, stdio: 'inherit', reject: false });
process.exitCode = result.exitCode ?? 1;
