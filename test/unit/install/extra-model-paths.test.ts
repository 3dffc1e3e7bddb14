import { describe, expect, it } from 'vitest';
import { ModelPathsError } from '../../../src/install/errors.ts';
import { parseExtraModelPaths } from '../../../src/install/extra-model-paths.ts';

const FILE = '/opt/ComfyUI/extra_model_paths.yaml';
const HOME = { homeDir: '/Users/me', env: { MODELS: '/Volumes/Models' } };

// The a111 section of ComfyUI's extra_model_paths.yaml.example, with its base_path filled in; the
// comfyui section commented out as it ships.
const EXAMPLE = `#Rename this to extra_model_paths.yaml and ComfyUI will load it


#config for a1111 ui
#all you have to do is change the base_path to where yours is installed
a111:
    base_path: /Users/me/stable-diffusion-webui/

    checkpoints: models/Stable-diffusion
    configs: models/Stable-diffusion
    vae: models/VAE
    loras: |
         models/Lora
         models/LyCORIS
    upscale_models: |
                  models/ESRGAN
                  models/RealESRGAN
                  models/SwinIR
    embeddings: embeddings
    hypernetworks: models/hypernetworks
    controlnet: models/ControlNet

#comfyui:
#     base_path: path/to/comfyui/
#     # You can use is_default to mark that these folders should be listed first, and used as the default dirs for eg downloads
#     #is_default: true
#     checkpoints: models/checkpoints/
`;

function getError(text: string): ModelPathsError {
  try {
    parseExtraModelPaths(text, FILE, HOME);
  } catch (error) {
    if (error instanceof ModelPathsError) return error;
    throw error;
  }
  throw new Error('expected a ModelPathsError');
}

describe('parseExtraModelPaths', () => {
  it("reads the example's a111 section: one path or a | block of paths per folder kind, below base_path", () => {
    const webui = '/Users/me/stable-diffusion-webui';
    expect(parseExtraModelPaths(EXAMPLE, FILE, HOME).map(({ kind, path }) => [kind, path])).toEqual([
      ['checkpoints', `${webui}/models/Stable-diffusion`],
      ['configs', `${webui}/models/Stable-diffusion`],
      ['vae', `${webui}/models/VAE`],
      ['loras', `${webui}/models/Lora`],
      ['loras', `${webui}/models/LyCORIS`],
      ['upscale_models', `${webui}/models/ESRGAN`],
      ['upscale_models', `${webui}/models/RealESRGAN`],
      ['upscale_models', `${webui}/models/SwinIR`],
      ['embeddings', `${webui}/embeddings`],
      ['hypernetworks', `${webui}/models/hypernetworks`],
      ['controlnet', `${webui}/models/ControlNet`],
    ]);
    expect(parseExtraModelPaths(EXAMPLE, FILE, HOME).every((entry) => entry.section === 'a111' && !entry.isDefault)).toBe(true);
  });

  it('takes a relative base_path from the file, expands ~ and $VAR in it, and keeps absolute folder paths', () => {
    const text = [
      'relative:',
      '  base_path: ../shared',
      '  checkpoints: checkpoints/',
      'home:',
      '  base_path: ~/models',
      '  loras: loras',
      'vars:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} as Python's expandvars reads it, not a template
      '  base_path: ${MODELS}/sd',
      '  vae: vae',
      '  embeddings: /abs/embeddings',
      'unknown_var:',
      '  base_path: $NOPE/x',
      '  gligen: g',
      'no_base:',
      '  controlnet: cn',
    ].join('\n');
    expect(parseExtraModelPaths(text, FILE, HOME).map(({ section, path }) => [section, path])).toEqual([
      ['relative', '/opt/shared/checkpoints'],
      ['home', '/Users/me/models/loras'],
      ['vars', '/Volumes/Models/sd/vae'],
      ['vars', '/abs/embeddings'],
      ['unknown_var', '/opt/ComfyUI/$NOPE/x/g'],
      ['no_base', '/opt/ComfyUI/cn'],
    ]);
  });

  it('reads is_default as Python does: true, yes and the string "true" (as ComfyUI Desktop writes it) count', () => {
    const text = [
      'a:',
      '  is_default: true',
      '  vae: a',
      'b:',
      '  is_default: yes',
      '  vae: b',
      'c:',
      '  is_default: "true"',
      '  vae: c',
      'd:',
      '  is_default: false',
      '  vae: d',
      'e:',
      '  vae: e',
    ].join('\n');
    expect(parseExtraModelPaths(text, FILE, HOME).map(({ section, isDefault }) => [section, isDefault])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
      ['d', false],
      ['e', false],
    ]);
  });

  it('reads an empty file, a file of comments and an empty section as no folders', () => {
    expect(parseExtraModelPaths('', FILE, HOME)).toEqual([]);
    expect(parseExtraModelPaths('# nothing yet\n', FILE, HOME)).toEqual([]);
    expect(parseExtraModelPaths('comfyui:\n', FILE, HOME)).toEqual([]);
  });

  it('names the file and the line of broken YAML, with the fix', () => {
    const error = getError('comfyui:\n    base_path: /x\n     checkpoints: models/checkpoints\n');
    expect(error.code).toBe('MODEL_PATHS_CONFIG_INVALID');
    expect(error.message).toBe(`${FILE} line 2: not valid YAML: Nested mappings are not allowed in compact mappings (column 16)`);
    expect(error.hint).toMatch(new RegExp(`^fix line 2 of ${FILE} \\(ComfyUI stops at start-up on it too\\), then restart ComfyUI; `));
    expect(error.context).toEqual({ file: FILE, line: 2 });
  });

  it('names the line of a value ComfyUI cannot use', () => {
    expect(getError('comfyui:\n  base_path: /x\n  checkpoints:\n    - a\n    - b\n').message).toBe(
      `${FILE} line 3: "checkpoints" in section "comfyui" must be a folder path or a | block of paths, not a list`,
    );
    expect(getError('comfyui:\n  vae:\n').message).toBe(`${FILE} line 2: "vae" in section "comfyui" must be a folder path or a | block of paths, not nothing`);
    expect(getError('a:\n  b: x\nc:\n  base_path: 42\n  vae: v\n').message).toBe(
      `${FILE} line 4: base_path in section "c" must be a path, not the number "42"`,
    );
    expect(getError('- a\n- b\n').message).toBe(`${FILE} line 1: must hold sections (such as \`comfyui:\`) at the top level, not a list`);
    expect(getError('x: 1\ncomfyui: models\n').message).toBe(`${FILE} line 1: section "x" must hold base_path and folder kinds, not the number "1"`);
  });

  it('shows outside text inert in its messages', () => {
    expect(getError('"evil\\u001b[31m": 1\n').message).toBe(`${FILE} line 1: section "evil" must hold base_path and folder kinds, not the number "1"`);
  });
});
