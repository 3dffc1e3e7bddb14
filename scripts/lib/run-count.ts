/** The number of runs from `--runs N` (or `--runs=N`), else the environment variable, else the default. */
export function getRunCount(argv: readonly string[], env: NodeJS.ProcessEnv, envName: string, fallback: number): number {
  const index = argv.findIndex((arg) => arg === '--runs' || arg.startsWith('--runs='));
  const flagged = index === -1 ? undefined : (argv[index]?.split('=')[1] ?? argv[index + 1]);
  const unknown = argv.filter((arg, position) => arg.startsWith('--') && position !== index);
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (usage: --runs N, or ${envName}=N)`);
  const [source, raw] =
    flagged !== undefined ? ['--runs', flagged] : env[envName] !== undefined && env[envName] !== '' ? [envName, env[envName]] : [undefined, undefined];
  if (raw === undefined) {
    if (index !== -1) throw new Error('--runs needs a number, e.g. --runs 3');
    return fallback;
  }
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`${source}=${JSON.stringify(raw)}: expected a whole number of runs, 1 or more`);
  return runs;
}
