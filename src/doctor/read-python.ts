import { runCommand } from '../processes/run-command.ts';
import { describeCommandFailure } from './describe-command.ts';
import { parsePythonProbe, PROBE_SCRIPT, type PythonReading } from './python-probe.ts';

/** Importing torch takes seconds on a cold disk; a probe still running after this is stuck. */
export const PYTHON_PROBE_TIMEOUT_MS = 20_000;

/** The interpreter the gate would boot ComfyUI with, and how it would run it. */
export interface PythonTarget {
  readonly python: string;
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Runs the probe once with the venv's Python, the way the gate boots ComfyUI: same folder, same extra variables. */
export async function readPython(target: PythonTarget, timeoutMs = PYTHON_PROBE_TIMEOUT_MS): Promise<PythonReading> {
  const result = await runCommand(target.python, ['-c', PROBE_SCRIPT], { timeoutMs, cwd: target.dir, env: target.env, maxOutputBytes: 64 * 1024 });
  const failure = describeCommandFailure(`${target.python} -c <probe>`, result, timeoutMs);
  return failure === undefined ? parsePythonProbe(result.stdout) : { kind: 'failed', detail: failure };
}
