import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { ConfigError } from '../../../src/errors.ts';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';
import { catchConfigError, createComfyuiFolder, type FakeComfyuiFolder } from './fake-comfyui-folder.ts';

// The variables of warm runs, custom workflows and launch arguments, and the checks on unknown ones.

let root: string;
let comfyui: FakeComfyuiFolder;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gate-config-extras-'));
  comfyui = createComfyuiFolder(root, 'ComfyUI');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const load = (env: Record<string, string> = {}) => loadConfig({ COMFYUI_DIR: comfyui.dir, ...env }, root);

const getConfigError = (env: Record<string, string>): ConfigError => catchConfigError(() => load(env));

describe('GATE_RUNS', () => {
  it('is 1 by default and takes up to 20', () => {
    expect(load().runs).toBe(1);
    expect(load({ GATE_RUNS: '3' }).runs).toBe(3);
    expect(load({ GATE_RUNS: '20' }).runs).toBe(20);
  });

  it.each([
    ['0', 'must be at least 1'],
    ['21', 'must be at most 20'],
    ['2.5', 'must be a whole number'],
    ['three', 'must be a whole number'],
  ])('refuses %j', (value, why) => {
    expect(getConfigError({ GATE_RUNS: value }).message).toBe(`Invalid configuration:\n  GATE_RUNS="${value}": ${why}`);
  });
});

describe('COMFYUI_ARGS', () => {
  const argsOf = (env: Record<string, string>) => {
    const plan = load(env).server;
    return plan.mode === 'boot' ? plan.args : [];
  };

  it("goes between the plan's flags and the gate's --listen/--port, split like a shell would", () => {
    expect(argsOf({ COMFYUI_ARGS: `--preview-method auto --output-directory "/tmp/my images" --comment 'it''s'` })).toEqual([
      'main.py',
      '--force-fp16',
      '--preview-method',
      'auto',
      '--output-directory',
      '/tmp/my images',
      '--comment',
      'its',
      '--listen',
      '127.0.0.1',
      '--port',
      '8188',
    ]);
    expect(argsOf({ COMFYUI_ARGS: '$HOME *' })).toEqual(['main.py', '--force-fp16', '$HOME', '*', '--listen', '127.0.0.1', '--port', '8188']);
  });

  it.each([
    ['--port 9000', '--port'],
    ['--listen 0.0.0.0', '--listen'],
    ['--listen=0.0.0.0', '--listen'],
    ['--cpu --port=9000', '--port'],
    ['--lis 0.0.0.0', '--lis'],
  ])('refuses %j: listen and port are the gate’s, named by COMFYUI_PORT', (value, flag) => {
    const error = getConfigError({ COMFYUI_ARGS: value });
    expect(error.message).toBe(
      `Invalid configuration:\n  COMFYUI_ARGS="${value}": ${flag} is the gate's own flag: ComfyUI always listens on 127.0.0.1, on COMFYUI_PORT (set COMFYUI_PORT for another port, or start ComfyUI yourself and attach with COMFYUI_URL)`,
    );
    expect(error.hint).toBe('fix or unset COMFYUI_ARGS (see the configuration table in README.md)');
  });

  it('refuses an unclosed quote', () => {
    expect(getConfigError({ COMFYUI_ARGS: `--output-directory '/tmp/x` }).message).toBe(
      `Invalid configuration:\n  COMFYUI_ARGS="--output-directory '/tmp/x": has an unclosed ' (single quote) at character 20`,
    );
  });

  it('warns that it does nothing when attaching', () => {
    expect(load({ COMFYUI_URL: 'http://127.0.0.1:8188', COMFYUI_ARGS: '--cpu' }).warnings).toEqual([
      'COMFYUI_ARGS is ignored: the gate attaches to COMFYUI_URL and starts no ComfyUI of its own',
    ]);
  });
});

describe('GATE_WORKFLOW', () => {
  it('reads the workflow once, with the configuration, relative to the working folder', () => {
    const text = readFileSync(join(REPO_ROOT, 'src', 'benchmark', 'benchmark-workflow.json'), 'utf8');
    writeFileSync(join(root, 'my_workflow_api.json'), text);
    const config = load({ GATE_WORKFLOW: 'my_workflow_api.json' });
    expect(config.workflow).toMatchObject({ path: join(root, 'my_workflow_api.json'), sizeBytes: Buffer.byteLength(text) });
    expect(Object.isFrozen(config.workflow?.graph['3']?.inputs)).toBe(true);
    expect(load().workflow).toBe(undefined);
  });

  it('stops the run on a file that is missing or not a workflow', () => {
    expect(getConfigError({ GATE_WORKFLOW: 'missing.json' }).message).toBe(`GATE_WORKFLOW="${join(root, 'missing.json')}" does not exist`);
    writeFileSync(join(root, 'ui.json'), JSON.stringify({ nodes: [], links: [] }));
    expect(getConfigError({ GATE_WORKFLOW: 'ui.json' }).message).toContain('is a workflow in ComfyUI’s UI format');
  });
});

describe('unknown variables', () => {
  it('stops on a GATE_ typo before anything else, naming the closest known name', () => {
    const error = getConfigError({ GATE_BUGDET_S: '60', COMFYUI_PORT: 'abc' });
    expect(error.message).toBe('GATE_BUGDET_S is not a setting the gate knows (did you mean GATE_BUDGET_S?)');
  });

  it('returns an unknown COMFYUI_ variable as a warning and carries on', () => {
    const config = load({ COMFYUI_PROT: '8189', GATE_E2E_TAG: 'x', FAKE_COMFYUI_STEP_MS: '15' });
    expect(config.warnings).toEqual(['COMFYUI_PROT is not a setting the gate knows (did you mean COMFYUI_PORT?): ignored']);
    expect(Object.isFrozen(config.warnings)).toBe(true);
  });
});

describe('COMFYUI_URL hygiene', () => {
  it('attaches to any loopback address, 127.0.0.2 and IPv4-mapped included', () => {
    expect(load({ COMFYUI_URL: 'http://127.0.0.2:8188' }).server).toEqual({ mode: 'attach', url: 'http://127.0.0.2:8188' });
    expect(load({ COMFYUI_URL: 'http://[::ffff:127.0.0.1]:8188' }).server).toEqual({ mode: 'attach', url: 'http://[::ffff:7f00:1]:8188' });
    expect(getConfigError({ COMFYUI_URL: 'http://10.0.0.1:8188' }).message).toBe(
      'COMFYUI_URL="http://10.0.0.1:8188" is not on this machine (10.0.0.1 is not a loopback address)',
    );
  });

  it('refuses credentials and never shows them, also in a schema message', () => {
    expect(getConfigError({ COMFYUI_URL: 'http://me:hunter2@127.0.0.1:8188' }).message).toBe(
      'COMFYUI_URL="http://127.0.0.1:8188/" carries a user name or password: the gate does not send credentials',
    );
    expect(getConfigError({ COMFYUI_URL: 'ftp://me:hunter2@127.0.0.1:8188' }).message).toBe(
      'Invalid configuration:\n  COMFYUI_URL="ftp://127.0.0.1:8188/": must be an http:// URL such as http://127.0.0.1:8188',
    );
  });
});
