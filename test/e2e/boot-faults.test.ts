import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';
import { describe, expect, test } from 'vitest';
import { FAKE_COMFYUI_DIR, getFreePort } from '../../fixtures/fake-env.ts';
import { readEvents } from './events.ts';
import { runGate, verdictLine } from './run-gate.ts';

// Faults before any spec runs: each fails fast, says why and how to fix it, writes the report and
// the JUnit file anyway, and leaves nothing running.
/** Far below the 180 s readiness deadline, with room for a loaded two-core machine. */
const EXIT_NOTICED_WITHIN_MS = 10_000;

describe.concurrent('setup faults', () => {
  test('ComfyUI exiting during boot fails within seconds of the exit, not at the readiness deadline, with the exit code and the log tail', async () => {
    const events = join(makeTempDir('gate-boot'), 'events.jsonl');
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'exit-during-boot', FAKE_COMFYUI_EVENTS: events } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('ComfyUI exited during boot with exit code 1 before answering');
    expect(run.markdown).toContain("ModuleNotFoundError: No module named 'torch'");
    expect(verdictLine(run.markdown, 'Phase 5 gate')).toMatch(/^- Phase 5 gate: FAIL — setup failed: ComfyUI exited during boot with exit code 1/);
    expect(run.junit).toContain('No module named &apos;torch&apos;');
    expect(run.leftovers).toEqual([]);
    // From the server's exit to the end of the gate, report and JUnit file written: about 0.5 s on an
    // idle machine, a few seconds while this file's other gate runs share the two cores; the
    // readiness deadline it must not wait for is 180 s.
    const exited = readEvents(events).find((event) => event.event === 'exit');
    expect(exited).toBeDefined();
    expect(run.endedAt - (exited?.at ?? 0)).toBeLessThan(EXIT_NOTICED_WITHIN_MS);
  });

  test('ComfyUI that never answers fails at the deadline, naming the URL and how long it waited', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'never-ready', COMFYUI_READY_TIMEOUT_S: '2' } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(
      new RegExp(
        `ComfyUI did not answer http://127\\.0\\.0\\.1:${run.port}/system_stats within 2\\.\\d s \\(it is still running; last poll: connection refused\\)`,
      ),
    );
    expect(run.output).toContain('raise COMFYUI_READY_TIMEOUT_S (now 2)');
    expect(run.leftovers).toEqual([]);
  });

  test('a server answering HTML instead of JSON is named with an excerpt of its body', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'non-json', COMFYUI_READY_TIMEOUT_S: '5' } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/last poll: not JSON: <!DOCTYPE html>/i);
    expect(verdictLine(run.markdown, 'Phase 5 gate')).toContain('setup failed');
  });

  test('a port held by another program is refused, with COMFYUI_URL and COMFYUI_PORT suggested, and that program is left alone', async ({ onTestFinished }) => {
    const port = await getFreePort();
    const holder = spawn(process.execPath, ['-e', `require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1', () => console.log('up'))`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    onTestFinished(() => void holder.kill());
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const run = await runGate({ env: { COMFYUI_PORT: String(port) } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      `Port ${port} on 127.0.0.1 is busy: another program is listening there; the gate will not boot a second server or touch that process`,
    );
    expect(run.output).toContain(`COMFYUI_PORT=${port + 1}`);
    expect(run.output).toContain('COMFYUI_URL=');
    expect(holder.exitCode).toBeNull();
    expect(holder.signalCode).toBeNull();
  });

  test('a COMFYUI_DIR that is a file is refused at once', async () => {
    const file = join(makeTempDir('gate-file'), 'ComfyUI');
    writeFileSync(file, '');
    const run = await runGate({ env: { COMFYUI_DIR: file } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(`COMFYUI_DIR="${file}" is a file, not a folder`);
  });

  test('a python that is not executable is refused at once', async () => {
    const python = join(makeTempDir('gate-python'), 'python');
    copyFileSync(join(FAKE_COMFYUI_DIR, 'venv', 'bin', 'python'), python);
    chmodSync(python, 0o644);
    const run = await runGate({ env: { COMFYUI_PYTHON: python } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(`${python} is not executable`);
    expect(run.output).toContain(`chmod +x ${python}`);
  });

  test('a report folder that cannot be written is refused at once, and the reason reaches the terminal', async () => {
    const file = join(makeTempDir('gate-reports'), 'not-a-folder');
    writeFileSync(file, '');
    const run = await runGate({ env: { GATE_REPORT_DIR: join(file, 'reports') } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(`GATE_REPORT_DIR="${join(file, 'reports')}" cannot be written`);
    expect(run.output).toContain('set GATE_REPORT_DIR to a folder you can write to');
  });

  test('bad values stop the run with every variable named, its value and what was expected', async () => {
    const run = await runGate({ env: { COMFYUI_PORT: 'abc', GATE_BUDGET_S: '-1' } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('COMFYUI_PORT="abc": must be a whole number');
    expect(run.output).toContain('GATE_BUDGET_S="-1": must be more than 0');
    expect(verdictLine(run.markdown, 'Phase 5 gate')).toContain('setup failed: Invalid configuration:');
  });

  test('a COMFYUI_URL on another machine needs an explicit opt-in, and nothing is sent to it', async () => {
    const run = await runGate({ env: { COMFYUI_URL: 'http://192.0.2.10:8188' } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('COMFYUI_URL="http://192.0.2.10:8188" is not on this machine (192.0.2.10 is not a loopback address)');
    expect(run.output).toContain('set COMFYUI_ALLOW_REMOTE=1');
  });
});

describe('no silent typos', () => {
  test('an unknown GATE_ variable stops the run naming the closest setting', async () => {
    // An unknown COMFYUI_ one only warns: checked on the shared healthy run in core-gate.test.ts.
    const typo = await runGate({ env: { GATE_BUGDET_S: '60' }, args: ['specs/reachable'] });
    expect(typo.exitCode).toBe(1);
    expect(typo.output).toContain('GATE_BUGDET_S is not a setting the gate knows (did you mean GATE_BUDGET_S?)');
    expect(verdictLine(typo.markdown, 'Phase 5 gate')).toContain('setup failed: GATE_BUGDET_S is not a setting the gate knows (did you mean GATE_BUDGET_S?)');
  });
});
