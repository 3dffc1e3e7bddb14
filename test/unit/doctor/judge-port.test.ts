import { describe, expect, it } from 'vitest';
import type { ServerPlan } from '../../../src/config/gate-config.ts';
import { judgePort } from '../../../src/doctor/judge-port.ts';
import { COMFYUI_DIR, PYTHON } from './doctor-fixtures.ts';

const BOOT: ServerPlan = {
  mode: 'boot',
  dir: COMFYUI_DIR,
  python: PYTHON,
  args: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', '8188'],
  env: { PYTORCH_ENABLE_MPS_FALLBACK: '1' },
  url: 'http://127.0.0.1:8188',
  port: 8188,
  readyTimeoutMs: 180_000,
};
const ATTACH: ServerPlan = { mode: 'attach', url: 'http://127.0.0.1:8188' };

describe('judgePort when the gate boots ComfyUI', () => {
  it('passes a free port, warns about a ComfyUI already there, fails another program', () => {
    expect(judgePort(BOOT, { kind: 'free' })).toEqual({
      id: 'port',
      status: 'OK',
      name: 'Port',
      found: '127.0.0.1:8188 is free, the gate will boot there',
      fix: null,
    });
    expect(judgePort(BOOT, { kind: 'comfyui' })).toEqual({
      id: 'port',
      status: 'WARN',
      name: 'Port',
      found: 'a ComfyUI already answers at http://127.0.0.1:8188; npm test would refuse to boot a second one',
      fix: 'attach with COMFYUI_URL=http://127.0.0.1:8188 npm test, or stop that ComfyUI',
    });
    expect(judgePort(BOOT, { kind: 'other', detail: 'HTTP 404: Not Found' })).toEqual({
      id: 'port',
      status: 'FAIL',
      name: 'Port',
      found: 'another program holds 127.0.0.1:8188 (HTTP 404: Not Found)',
      fix: 'stop that program, or boot on another port with COMFYUI_PORT=8189',
    });
  });
});

describe('judgePort when the gate attaches', () => {
  it('passes a ComfyUI at COMFYUI_URL and fails anything else', () => {
    const fix = 'start ComfyUI there, or unset COMFYUI_URL to let the gate boot one';
    expect(judgePort(ATTACH, { kind: 'comfyui' })).toEqual({
      id: 'port',
      status: 'OK',
      name: 'Port',
      found: 'a ComfyUI answers at http://127.0.0.1:8188; the gate attaches to it (COMFYUI_URL)',
      fix: null,
    });
    expect(judgePort(ATTACH, { kind: 'free' })).toEqual({ id: 'port', status: 'FAIL', name: 'Port', found: 'nothing answers at http://127.0.0.1:8188', fix });
    expect(judgePort(ATTACH, { kind: 'other', detail: 'not JSON: <html>' })).toEqual({
      id: 'port',
      status: 'FAIL',
      name: 'Port',
      found: 'http://127.0.0.1:8188 does not answer like ComfyUI (not JSON: <html>)',
      fix,
    });
  });
});
