import { stripVTControlCharacters } from 'node:util';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { findTaggedProcesses } from '../../fixtures/tagged-processes.ts';

/** One line of the gate's output, stamped when it arrived (Date.now()), ANSI codes removed. */
export interface TimedLine {
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface GateExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Date.now() when the npm process exited. */
  readonly at: number;
}

export interface GateProcess {
  /** The npm process; also its process group id. */
  readonly pid: number;
  /** GATE_E2E_TAG: every process of this run carries it in its environment. */
  readonly tag: string;
  readonly reportDir: string;
  readonly eventsFile: string;
  /** Date.now() just before the spawn. */
  readonly spawnedAt: number;
  readonly lines: readonly TimedLine[];
  readonly exited: Promise<GateExit>;
  /** Sends a signal to the whole group (Ctrl-C in a terminal) or to the npm process alone. */
  signal(target: 'group' | 'npm', signal: NodeJS.Signals): void;
  /** Last resort: SIGKILL to the group and to every tagged process; returns what was killed. */
  killEverything(): string[];
}

export interface GateProcessOptions {
  /** Fake knobs and gate settings on top of the fake environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Prefix of the temporary report folder. */
  readonly label: string;
}

/**
 * Starts `npm test` against the fake ComfyUI and fake GPU tools, as the e2e tests do, but detached
 * in its own process group, with a report folder and an events file of its own.
 */
export async function startGateProcess({ env, label }: GateProcessOptions): Promise<GateProcess> {
  const port = await getFreePort();
  const tag = randomUUID();
  const reportDir = mkdtempSync(join(tmpdir(), `${label}-`));
  const eventsFile = join(reportDir, 'fake-events.jsonl');
  const fullEnv = { ...createFakeEnv({ port, reportDir, overrides: { ...env, FAKE_COMFYUI_EVENTS: eventsFile } }), GATE_E2E_TAG: tag };
  const lines: TimedLine[] = [];
  const spawnedAt = Date.now();
  const child = spawn('npm', ['test'], { cwd: REPO_ROOT, env: fullEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<GateExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const pid = child.pid;
  if (pid === undefined)
    throw await exited.then(
      () => new Error('npm test did not start (no pid)'),
      (error: unknown) => error,
    );
  collectLines(child.stdout, 'stdout', lines);
  collectLines(child.stderr, 'stderr', lines);
  return {
    pid,
    tag,
    reportDir,
    eventsFile,
    spawnedAt,
    lines,
    exited,
    signal(target, signal) {
      try {
        process.kill(target === 'group' ? -pid : pid, signal);
      } catch {
        // Already gone: the shutdown being measured happened before the signal.
      }
    },
    killEverything() {
      const left = findTaggedProcesses(tag);
      for (const target of [-pid, ...left.map((entry) => Number(entry.split(' ')[0]))]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      return left;
    },
  };
}

function collectLines(stream: NodeJS.ReadableStream | null, name: TimedLine['stream'], into: TimedLine[]): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const at = Date.now();
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) into.push({ at, stream: name, text: stripVTControlCharacters(text) });
  });
  stream?.on('end', () => {
    if (pending !== '') into.push({ at: Date.now(), stream: name, text: stripVTControlCharacters(pending) });
  });
}
