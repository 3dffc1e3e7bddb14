import { copyFileSync, cpSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FAKE_COMFYUI_DIR, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { startAttachedFake } from './attached-fake.ts';
import { runGate, verdictLine } from './run-gate.ts';
import { makeTempDir } from './temp-dirs.ts';

const CHECKPOINT = 'anything-v5-PrtRE.safetensors';
const CONTROLNET = 'control_v11p_sd15_openpose.pth';
const SPECS = ['specs/checkpoint-installed', 'specs/custom-nodes-loaded'];

/** Moves `file` out of the ComfyUI folder's `models/<kind>` into `<dir>/<subdir>`; returns where it went. */
function moveModel(comfyDir: string, kind: string, file: string, dir: string, subdir: string): string {
  mkdirSync(join(dir, subdir), { recursive: true });
  const target = join(dir, subdir, file);
  renameSync(join(comfyDir, 'models', kind, file), target);
  return target;
}

// INFRA-02 and INFRA-05 find models where ComfyUI finds them, and the report says where that was.
describe.concurrent('models outside the ComfyUI folder', () => {
  test('boot: an extra_model_paths.yaml in the ComfyUI folder names the folders that hold them', async () => {
    const comfyDir = join(makeTempDir('gate-comfyui'), 'ComfyUI');
    cpSync(FAKE_COMFYUI_DIR, comfyDir, { recursive: true });
    const shared = makeTempDir('gate-shared-models');
    const checkpoint = moveModel(comfyDir, 'checkpoints', CHECKPOINT, shared, 'Stable-diffusion');
    const controlnet = moveModel(comfyDir, 'controlnet', CONTROLNET, shared, 'ControlNet');
    writeFileSync(
      join(comfyDir, 'extra_model_paths.yaml'),
      `a111:\n    base_path: ${shared}\n    checkpoints: Stable-diffusion\n    controlnet: |\n        ControlNet\n`,
    );

    const run = await runGate({ env: { COMFYUI_DIR: comfyDir, FAKE_COMFYUI_HOME: REPO_ROOT }, args: SPECS });
    expect(run.exitCode).toBe(0);
    expect(verdictLine(run.markdown, 'INFRA-02')).toBe('- INFRA-02: the checkpoint is installed and complete: PASS (SIMULATED)');
    expect(verdictLine(run.markdown, 'INFRA-05')).toMatch(/^- INFRA-05: .*: PASS \(SIMULATED\)$/);
    expect(run.report?.install.checkpoint).toMatchObject({ path: checkpoint, source: 'extra_model_paths.yaml section a111', sizeBytes: 344 });
    expect(run.markdown).toContain(`- Path: \`${checkpoint}\``);
    expect(run.report?.install.customNodes?.locations).toContainEqual({
      name: 'ControlNet OpenPose model',
      path: controlnet,
      source: 'extra_model_paths.yaml section a111',
    });
    expect(run.leftovers).toEqual([]);
  });

  // Two gate runs against one server: a busy two-core machine needs more than the default minute.
  test("attach: ComfyUI Desktop's --base-directory and --extra-model-paths-config, with COMFYUI_URL alone", { timeout: 120_000 }, async ({
    onTestFinished,
  }) => {
    const base = makeTempDir('gate-desktop-base');
    mkdirSync(join(base, 'models', 'checkpoints'), { recursive: true });
    copyFileSync(join(FAKE_COMFYUI_DIR, 'models', 'checkpoints', CHECKPOINT), join(base, 'models', 'checkpoints', CHECKPOINT));
    symlinkSync(join(FAKE_COMFYUI_DIR, 'custom_nodes'), join(base, 'custom_nodes'));
    const shared = makeTempDir('gate-desktop-models');
    mkdirSync(join(shared, 'controlnet'));
    copyFileSync(join(FAKE_COMFYUI_DIR, 'models', 'controlnet', CONTROLNET), join(shared, 'controlnet', CONTROLNET));
    // As ComfyUI Desktop writes its extra_models_config.yaml (is_default as a string), in a folder with a space.
    const config = join(makeTempDir('gate-desktop-app'), 'Application Support', 'extra_models_config.yaml');
    mkdirSync(join(config, '..'));
    writeFileSync(config, `comfyui_desktop:\n  is_default: "true"\n  base_path: ${shared}\n  controlnet: controlnet/\n`);

    // Desktop starts main.py by its absolute path, with its own arguments.
    const { url, process: server } = await startAttachedFake(
      { onTestFinished },
      { mainScript: join(FAKE_COMFYUI_DIR, 'main.py'), args: ['--base-directory', base, '--extra-model-paths-config', config] },
    );

    const run = await runGate({ env: { COMFYUI_URL: url, COMFYUI_DIR: undefined }, args: SPECS });
    expect(run.exitCode).toBe(0);
    expect(verdictLine(run.markdown, 'INFRA-02')).toBe('- INFRA-02: the checkpoint is installed and complete: PASS (SIMULATED)');
    expect(run.report?.install.checkpoint).toMatchObject({ path: join(base, 'models', 'checkpoints', CHECKPOINT), source: '--base-directory' });
    expect(run.report?.install.customNodes?.locations).toEqual([
      { name: 'ComfyUI-Manager', path: join(base, 'custom_nodes', 'ComfyUI-Manager'), source: '--base-directory' },
      { name: 'comfyui_controlnet_aux', path: join(base, 'custom_nodes', 'comfyui_controlnet_aux'), source: '--base-directory' },
      {
        name: 'OpenPose annotator body_pose_model.pth',
        path: join(base, 'custom_nodes', 'comfyui_controlnet_aux', 'ckpts', 'lllyasviel', 'Annotators', 'body_pose_model.pth'),
        source: '--base-directory',
      },
      {
        name: 'ControlNet OpenPose model',
        path: join(shared, 'controlnet', CONTROLNET),
        source: `--extra-model-paths-config ${config} section comfyui_desktop`,
      },
    ]);

    // The file is edited while ComfyUI runs and breaks: INFRA-02 fails naming the file, the line and the fix.
    writeFileSync(config, `comfyui_desktop:\n  base_path: ${shared}\n   controlnet: controlnet/\n`);
    const broken = await runGate({ env: { COMFYUI_URL: url, COMFYUI_DIR: undefined }, args: ['specs/checkpoint-installed'] });
    expect(broken.exitCode).toBe(1);
    expect(verdictLine(broken.markdown, 'INFRA-02')).toContain(`FAIL (SIMULATED) — ${config} line 2: not valid YAML: `);
    expect(broken.report?.truths.find((truth) => truth.id === 'checkpoint-installed')?.hint).toMatch(
      new RegExp(`^fix line 2 of ${config} \\(ComfyUI stops at start-up on it too\\), then restart ComfyUI`),
    );
    expect(server.exitCode).toBeNull();
  });
});
