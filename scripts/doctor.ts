import { formatError } from '../src/errors.ts';
import { getExitCode } from '../src/doctor/doctor-check.ts';
import { renderDoctorJson, renderDoctorText } from '../src/doctor/render-doctor.ts';
import { runDoctor } from '../src/doctor/run-doctor.ts';

// `npm run doctor [-- --json]`: checks the setup in a few seconds without generating anything, one
// line per check. Exits 1 when any check FAILs, so `npm run doctor && npm test` only tests a
// setup that can pass.

const USAGE = 'usage: npm run doctor [-- --json]';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`doctor: unknown argument ${unknown.map((arg) => JSON.stringify(arg)).join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const checks = await runDoctor(process.env);
  process.stdout.write(argv.includes('--json') ? renderDoctorJson(checks) : renderDoctorText(checks));
  return getExitCode(checks);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`doctor: ${formatError(error)}\n`);
    process.exitCode = 1;
  },
);
