import { describe, expect, it } from 'vitest';
import { formatLaunchCommand, judgeLaunch } from '../../../src/doctor/judge-launch.ts';
import { COMFYUI_DIR, PYTHON } from './doctor-fixtures.ts';

const BOOT = {
  mode: 'boot',
  dir: COMFYUI_DIR,
  python: PYTHON,
  args: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', '8188'],
  env: { PYTORCH_ENABLE_MPS_FALLBACK: '1' },
  url: 'http://127.0.0.1:8188',
  port: 8188,
  readyTimeoutMs: 180_000,
} as const;

describe('judgeLaunch', () => {
  it('shows the command the gate boots ComfyUI with, from the config', () => {
    expect(judgeLaunch(BOOT)).toEqual({
      id: 'launch',
      status: 'OK',
      name: 'Launch command',
      found: `cd ${COMFYUI_DIR} && PYTORCH_ENABLE_MPS_FALLBACK=1 ${PYTHON} main.py --force-fp16 --listen 127.0.0.1 --port 8188`,
      fix: null,
    });
  });

  it('quotes paths a shell would split', () => {
    expect(formatLaunchCommand({ ...BOOT, dir: "/Users/me/My Tools/Comfy'UI", python: '/Users/me/My Tools/venv/bin/python' })).toBe(
      `cd '/Users/me/My Tools/Comfy'\\''UI' && PYTORCH_ENABLE_MPS_FALLBACK=1 '/Users/me/My Tools/venv/bin/python' main.py --force-fp16 --listen 127.0.0.1 --port 8188`,
    );
  });

  it('has nothing to launch when the gate attaches', () => {
    expect(judgeLaunch({ mode: 'attach', url: 'http://127.0.0.1:8188' })).toEqual({
      id: 'launch',
      status: 'OK',
      name: 'Launch command',
      found: 'none: the gate attaches to http://127.0.0.1:8188 (COMFYUI_URL)',
      fix: null,
    });
  });
});
