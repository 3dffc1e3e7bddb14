import type { DoctorCheck } from './doctor-check.ts';

/** One line per check (`STATUS  name  found → fix`), then a count of each status. */
export function renderDoctorText(checks: readonly DoctorCheck[]): string {
  const nameWidth = Math.max(0, ...checks.map((check) => check.name.length));
  const lines = checks.map((check) => {
    const head = `${check.status.padEnd(4)}  ${check.name.padEnd(nameWidth)}  ${check.found}`;
    return check.fix === null ? head : `${head}  → ${check.fix}`;
  });
  const count = (status: DoctorCheck['status']) => checks.filter((check) => check.status === status).length;
  const failures = count('FAIL');
  const verdict = failures === 0 ? 'npm test can start' : 'fix the FAIL lines before npm test';
  return `${lines.join('\n')}\n\n${count('OK')} OK, ${count('WARN')} WARN, ${failures} FAIL: ${verdict}\n`;
}

/** `{"checks":[{"id","status","name","found","fix"}]}` on one line, for scripts. */
export function renderDoctorJson(checks: readonly DoctorCheck[]): string {
  const plain = checks.map(({ id, status, name, found, fix }) => ({ id, status, name, found, fix }));
  return `${JSON.stringify({ checks: plain })}\n`;
}
