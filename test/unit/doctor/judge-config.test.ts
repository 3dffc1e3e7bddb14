import { describe, expect, it } from 'vitest';
import { judgeConfigError } from '../../../src/doctor/judge-config.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('judgeConfigError', () => {
  it('puts a bad COMFYUI_DIR on the folder line', () => {
    const error = new ConfigError('COMFYUI_DIR="/nope" does not exist: no ComfyUI to boot', {
      hint: 'set COMFYUI_DIR to your ComfyUI folder',
      context: { variable: 'COMFYUI_DIR', value: '/nope' },
    });
    expect(judgeConfigError(error)).toEqual({
      id: 'comfyui-folder',
      status: 'FAIL',
      name: 'ComfyUI folder',
      found: 'COMFYUI_DIR="/nope" does not exist: no ComfyUI to boot',
      fix: 'set COMFYUI_DIR to your ComfyUI folder',
    });
  });

  it('puts a missing venv python on the Python line, also when loadConfig names COMFYUI_DIR', () => {
    const error = new ConfigError('No python at /c/venv/bin/python (the venv of COMFYUI_DIR)', {
      hint: 'create the venv',
      context: { variable: 'COMFYUI_DIR', value: '/c/venv/bin/python' },
    });
    expect(judgeConfigError(error)).toEqual({
      id: 'python',
      status: 'FAIL',
      name: 'Python',
      found: 'No python at /c/venv/bin/python (the venv of COMFYUI_DIR)',
      fix: 'create the venv',
    });
  });

  it('shows any other refusal on one sanitised line', () => {
    const error = new ConfigError('Invalid configuration:\n  COMFYUI_PORT="8\u001b[2J": must be a whole number', {
      hint: 'fix or unset COMFYUI_PORT',
      context: { variables: ['COMFYUI_PORT'] },
    });
    expect(judgeConfigError(error)).toEqual({
      id: 'config',
      status: 'FAIL',
      name: 'Configuration',
      found: 'Invalid configuration: ⏎ COMFYUI_PORT="8": must be a whole number',
      fix: 'fix or unset COMFYUI_PORT',
    });
  });
});
