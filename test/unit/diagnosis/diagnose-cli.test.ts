import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run diagnose` as a user runs it (node + tsx on scripts/diagnose.ts, from the repo root).
// Each run costs about a second, so a few runs cover the exit codes and both outputs.

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OOM = 'fixtures/mac-logs/m4-mini-desktop-sd35-mps-oom-error-report-GB.txt';
const HEALTHY = 'fixtures/mac-logs/m1-wan22-patched-run-vae-bf16-manual-cast-fp16.txt';
const SLOW = 'fixtures/mac-logs/intel-xeon-x86_64-mac-torch222-force-fp32-mps.txt';

function runDiagnose(args: readonly string[], input?: string) {
  return execa('node', ['--import', 'tsx', 'scripts/diagnose.ts', ...args], {
    cwd: REPO_ROOT,
    reject: false,
    timeout: 30_000,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
}

describe('npm run diagnose', () => {
  it('--json prints only the findings document and exits 1 when something blocks', async () => {
    const result = await runDiagnose(['--json', OOM]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout) as { findings: { id: string; severity: string; evidence: { line: number }[]; figures?: unknown }[] };
    expect(parsed.findings.map((finding) => [finding.id, finding.severity])).toEqual([['mps-out-of-memory', 'blocks']]);
    expect(parsed.findings[0]?.evidence.map((entry) => entry.line)).toEqual([6]);
    expect(parsed.findings[0]?.figures).toEqual({ allocated: '16.91 GB', other: '2.77 MB', maxAllowed: '18.13 GB', requested: '1.28 GB' });
  });

  it('says plainly that a healthy log has no known problem, and exits 0', async () => {
    const result = await runDiagnose([HEALTHY]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`No known problem found in ${HEALTHY} (18 lines).`);
  });

  it('reads stdin for "-" and exits 0 when findings only slow the run', async () => {
    const result = await runDiagnose(['-', '--json'], readFileSync(`${REPO_ROOT}${SLOW}`, 'utf8'));
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout) as { findings: { id: string }[] };
    expect(parsed.findings.map((finding) => finding.id)).toEqual(['x86-python', 'fp32-forced', 'healthy-mps', 'versions']);
  });

  it('names a missing file and exits 2', async () => {
    const result = await runDiagnose(['fixtures/mac-logs/no-such.log']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('diagnose: no such file: fixtures/mac-logs/no-such.log');
  });
});
