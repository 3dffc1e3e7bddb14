/** How a check came out: OK, worth a look (WARN), or blocking the gate (FAIL). */
export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

/** Every check `npm run doctor` prints, in the order it prints them. */
const CHECK_IDS = [
  'config',
  'comfyui-folder',
  'comfyui-version',
  'python',
  'python-arch',
  'torch',
  'device',
  'macos',
  'chip',
  'memory',
  'disk',
  'checkpoint',
  'port',
  'powermetrics',
  'launch',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** One line of the doctor's output; `fix` is null for OK. */
export interface DoctorCheck {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly name: string;
  readonly found: string;
  readonly fix: string | null;
}

/** A check that passed. */
export function ok(id: CheckId, name: string, found: string): DoctorCheck {
  return { id, status: 'OK', name, found, fix: null };
}

/** A check that does not stop the gate but deserves a look. */
export function warn(id: CheckId, name: string, found: string, fix: string): DoctorCheck {
  return { id, status: 'WARN', name, found, fix };
}

/** A check that would make the gate fail. */
export function fail(id: CheckId, name: string, found: string, fix: string): DoctorCheck {
  return { id, status: 'FAIL', name, found, fix };
}

/** Exit code of the doctor: 1 when any check failed, else 0. */
export function getExitCode(checks: readonly DoctorCheck[]): 0 | 1 {
  return checks.some((check) => check.status === 'FAIL') ? 1 : 0;
}
