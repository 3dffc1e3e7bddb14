import { describe, expect, it } from 'vitest';
import { getServerArgv } from '../../../src/install/get-server-argv.ts';
import { describeDirs, getModelPathsPlan, getModelSearchPaths, getSearchDirs } from '../../../src/install/model-search-paths.ts';

const COMFY = '/opt/ComfyUI';
const OWN_YAML = `${COMFY}/extra_model_paths.yaml`;
const DESKTOP_MAIN = '/Applications/ComfyUI.app/Contents/Resources/ComfyUI/main.py';
const DESKTOP_YAML = '/Users/me/Library/Application Support/ComfyUI/extra_models_config.yaml';

// What ComfyUI Desktop writes into its extra_models_config.yaml (is_default as a string).
const DESKTOP_CONFIG = `comfyui_desktop:
  is_default: "true"
  base_path: /Users/me/Documents/ComfyUI
  checkpoints: models/checkpoints/
  controlnet: models/controlnet/
  custom_nodes: custom_nodes/
  download_model_base: models
`;

const dirsOf = (paths: ReturnType<typeof getModelSearchPaths>, kind: string) => getSearchDirs(paths, kind).map(({ path, source }) => `${path} (${source})`);

describe('getModelSearchPaths', () => {
  it("lists ComfyUI's own folders when nothing moves them", () => {
    const paths = getModelSearchPaths({ comfyDir: COMFY, argv: ['main.py', '--port', '8188'] });
    expect(paths.comfyDir).toBe(COMFY);
    expect(paths.baseDir).toEqual({ path: COMFY, source: 'ComfyUI folder' });
    expect(paths.configFiles).toEqual([{ path: OWN_YAML, label: 'extra_model_paths.yaml', required: false }]);
    expect(dirsOf(paths, 'checkpoints')).toEqual([`${COMFY}/models/checkpoints (ComfyUI folder)`]);
    expect(dirsOf(paths, 'controlnet')).toEqual([`${COMFY}/models/controlnet (ComfyUI folder)`, `${COMFY}/models/t2i_adapter (ComfyUI folder)`]);
    expect(dirsOf(paths, 'custom_nodes')).toEqual([`${COMFY}/custom_nodes (ComfyUI folder)`]);
    expect(dirsOf(paths, 'clip')).toEqual([`${COMFY}/models/text_encoders (ComfyUI folder)`, `${COMFY}/models/clip (ComfyUI folder)`]);
    expect(getSearchDirs(paths, 'no_such_kind')).toEqual([]);
    expect(getModelSearchPaths({ comfyDir: COMFY }).folders).toEqual(paths.folders);
  });

  it('searches the built-in folders, then the folder YAML, then each --extra-model-paths-config; is_default goes first', () => {
    const own = 'a111:\n  base_path: /webui\n  checkpoints: models/Stable-diffusion\n  unet: models/unet\n';
    const first = 'shared:\n  base_path: /shared\n  checkpoints: ckpt\nfast:\n  is_default: true\n  base_path: /ssd\n  checkpoints: ckpt\n';
    const second = 'again:\n  checkpoints: /webui/models/Stable-diffusion\n  vae: /vae\n';
    const paths = getModelSearchPaths({
      comfyDir: COMFY,
      argv: ['main.py', '--extra-model-paths-config', 'first.yaml', '--extra-model-paths-config', '/etc/second.yaml'],
      configTexts: new Map([
        [OWN_YAML, own],
        [`${COMFY}/first.yaml`, first],
        ['/etc/second.yaml', second],
      ]),
    });
    expect(paths.configFiles.map((file) => file.label)).toEqual([
      'extra_model_paths.yaml',
      `--extra-model-paths-config ${COMFY}/first.yaml`,
      '--extra-model-paths-config /etc/second.yaml',
    ]);
    expect(dirsOf(paths, 'checkpoints')).toEqual([
      `/ssd/ckpt (--extra-model-paths-config ${COMFY}/first.yaml section fast)`,
      `${COMFY}/models/checkpoints (ComfyUI folder)`,
      '/webui/models/Stable-diffusion (extra_model_paths.yaml section a111)',
      `/shared/ckpt (--extra-model-paths-config ${COMFY}/first.yaml section shared)`,
    ]);
    // unet is the old name of diffusion_models.
    expect(dirsOf(paths, 'diffusion_models')).toEqual([
      `${COMFY}/models/unet (ComfyUI folder)`,
      `${COMFY}/models/diffusion_models (ComfyUI folder)`,
      '/webui/models/unet (extra_model_paths.yaml section a111)',
    ]);
    expect(dirsOf(paths, 'vae')).toEqual([`${COMFY}/models/vae (ComfyUI folder)`, '/vae (--extra-model-paths-config /etc/second.yaml section again)']);
  });

  it('moves a folder already listed to the front for is_default, and lists it once', () => {
    const paths = getModelSearchPaths({
      comfyDir: COMFY,
      argv: ['main.py', '--extra-model-paths-config', '/x.yaml'],
      configTexts: new Map([
        [OWN_YAML, 'first:\n  checkpoints: /elsewhere\n'],
        ['/x.yaml', 'again:\n  is_default: true\n  checkpoints: /elsewhere/\n'],
      ]),
    });
    expect(dirsOf(paths, 'checkpoints')).toEqual(['/elsewhere (extra_model_paths.yaml section first)', `${COMFY}/models/checkpoints (ComfyUI folder)`]);
  });

  it('follows ComfyUI Desktop: its main.py names the ComfyUI folder, --base-directory holds the models, its YAML comes first', () => {
    const argv = [DESKTOP_MAIN, '--base-directory', '/Users/me/Documents/ComfyUI', '--extra-model-paths-config', DESKTOP_YAML, '--port', '8000'];
    const paths = getModelSearchPaths({ comfyDir: '/Users/me/tools/ComfyUI', argv, configTexts: new Map([[DESKTOP_YAML, DESKTOP_CONFIG]]) });
    const app = '/Applications/ComfyUI.app/Contents/Resources/ComfyUI';
    expect(getModelPathsPlan('/Users/me/tools/ComfyUI', argv)).toEqual({
      comfyDir: app,
      baseDir: { path: '/Users/me/Documents/ComfyUI', source: '--base-directory' },
      configFiles: [
        { path: `${app}/extra_model_paths.yaml`, label: 'extra_model_paths.yaml', required: false },
        { path: DESKTOP_YAML, label: `--extra-model-paths-config ${DESKTOP_YAML}`, required: true },
      ],
    });
    // The Desktop YAML names the base folder's own checkpoints folder (with a trailing /): listed once, first.
    expect(dirsOf(paths, 'checkpoints')).toEqual(['/Users/me/Documents/ComfyUI/models/checkpoints (--base-directory)']);
    expect(dirsOf(paths, 'custom_nodes')).toEqual(['/Users/me/Documents/ComfyUI/custom_nodes (--base-directory)']);
    expect(describeDirs(getSearchDirs(paths, 'loras'))).toBe('/Users/me/Documents/ComfyUI/models/loras (--base-directory)');
    expect(getSearchDirs(paths, 'download_model_base')).toEqual([
      { path: '/Users/me/Documents/ComfyUI/models', source: `--extra-model-paths-config ${DESKTOP_YAML} section comfyui_desktop` },
    ]);
  });

  it('takes relative paths in argv from the ComfyUI folder, and a relative main.py as no news', () => {
    const plan = getModelPathsPlan(COMFY, ['ComfyUI/main.py', '--base-directory=../data', '--extra-model-paths-config', 'paths.yaml']);
    expect(plan.comfyDir).toBe(COMFY);
    expect(plan.baseDir).toEqual({ path: '/opt/data', source: '--base-directory' });
    expect(plan.configFiles[1]).toEqual({ path: `${COMFY}/paths.yaml`, label: `--extra-model-paths-config ${COMFY}/paths.yaml`, required: true });
  });
});

describe('getServerArgv', () => {
  const stats = (argv?: string[]) => async () => ({ system: argv === undefined ? {} : { argv } });

  it('uses the arguments the gate booted ComfyUI with, without asking the server', async () => {
    const server = {
      mode: 'boot',
      dir: COMFY,
      python: 'python',
      args: ['main.py', '--port', '8188'],
      env: {},
      url: 'http://127.0.0.1:8188',
      port: 8188,
      readyTimeoutMs: 1,
    } as const;
    expect(await getServerArgv(server, () => Promise.reject(new Error('not asked')))).toEqual(['main.py', '--port', '8188']);
  });

  it('asks an attached server for its own argv, which an old one may not have', async () => {
    const server = { mode: 'attach', url: 'http://127.0.0.1:8000' } as const;
    expect(await getServerArgv(server, stats([DESKTOP_MAIN, '--port', '8000']))).toEqual([DESKTOP_MAIN, '--port', '8000']);
    expect(await getServerArgv(server, stats())).toBeUndefined();
  });
});
