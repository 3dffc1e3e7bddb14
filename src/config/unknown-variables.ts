import { ConfigError } from '../errors.ts';

/**
 * Variables with the gate's prefixes that are not settings but are still expected: the project's
 * own e2e tests tag every process of a run with GATE_E2E_TAG to find leftovers.
 */
const NOT_SETTINGS: ReadonlySet<string> = new Set(['GATE_E2E_TAG']);

/**
 * Stops the run on a `GATE_` variable the gate does not know (a typo would otherwise be ignored
 * and the default used in silence); returns a warning per unknown `COMFYUI_` variable, since other
 * tools share that prefix. Empty variables are unset, as everywhere in the configuration.
 */
export function checkUnknownVariables(rawEnv: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const unknown = Object.keys(rawEnv)
    .filter((name) => rawEnv[name] !== undefined && rawEnv[name] !== '')
    .filter((name) => (name.startsWith('GATE_') || name.startsWith('COMFYUI_')) && !known.includes(name) && !NOT_SETTINGS.has(name))
    .sort();
  const describe = (name: string) => {
    const closest = getClosestName(name, known);
    return `${name} is not a setting the gate knows${closest === undefined ? '' : ` (did you mean ${closest}?)`}`;
  };
  const typos = unknown.filter((name) => name.startsWith('GATE_'));
  if (typos.length > 0) {
    const fixes = typos.map((name) => getClosestName(name, known)).filter((name) => name !== undefined);
    throw new ConfigError(typos.map(describe).join('\n'), {
      hint: `${fixes.length > 0 ? `rename it to ${fixes.join(', ')}, or unset it` : 'unset it'} (the configuration table in README.md lists every setting)`,
      context: { variables: typos },
    });
  }
  return unknown.map((name) => `${describe(name)}: ignored`);
}

/** The known name nearest to `name` by edit distance (a swap of neighbours counts as one edit), if any is near enough to be a typo. */
export function getClosestName(name: string, known: readonly string[]): string | undefined {
  const ranked = known
    .map((candidate) => ({ candidate, distance: getEditDistance(name, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  const best = ranked[0];
  // More than a third of the name changed is another name, not a typo of this one.
  return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of neighbours. */
export function getEditDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = distance;
    }
  }
  return at(a.length, b.length);
}
