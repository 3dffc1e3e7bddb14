import { resolve } from 'node:path';
import { DEFAULT_SCENARIO, describeDemoScenarios, findDemoScenario, type DemoScenario } from './demo-scenarios.ts';

export type DemoOptions =
  | { readonly kind: 'run'; readonly scenario: DemoScenario; readonly outDir: string }
  /** Help, or a usage error: print `text` and exit with `code`. */
  | { readonly kind: 'exit'; readonly code: 0 | 2; readonly text: string };

const USAGE = 'usage: npm run demo [-- --scenario <name>] [--out <folder>]';

/**
 * Reads `npm run demo` arguments: `--scenario <name>` (default pass) and `--out <folder>`, the
 * folder the scenario's report folder goes into (default reports/demo). `cwd` resolves a relative
 * `--out` from where the person typed the command (npm runs scripts from the project root).
 */
export function parseDemoArgs(rawArgs: readonly string[], defaultOutDir: string, cwd: string): DemoOptions {
  let name = DEFAULT_SCENARIO;
  let outDir = defaultOutDir;
  for (let index = 0; index < rawArgs.length; index += 1) {
    const arg = rawArgs[index] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'exit', code: 0, text: `${USAGE}\n\nscenarios:\n${describeDemoScenarios()}` };
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--scenario' && flag !== '--out') return usageError(`unknown argument "${arg}"`);
    if (inline === undefined) index += 1;
    const value = inline ?? rawArgs[index];
    if (value === undefined || value === '') return usageError(`${flag} needs a value`);
    if (flag === '--scenario') name = value;
    else outDir = resolve(cwd, value);
  }
  const scenario = findDemoScenario(name);
  if (scenario === undefined) return usageError(`unknown scenario "${name}"`);
  return { kind: 'run', scenario, outDir };
}

function usageError(problem: string): DemoOptions {
  return { kind: 'exit', code: 2, text: `npm run demo: ${problem}\n${USAGE}\n\nscenarios:\n${describeDemoScenarios()}` };
}

/** The variables that configure the gate or the fakes; the fake environment drops them from the inherited environment. */
const GATE_VARIABLE = /^(COMFYUI_|GATE_|KOHYA_|ACCELERATE_CONFIG$|FAKE_)/;

/** Settings that point at a real setup or at where reports go: a demo cannot use them. */
const NOT_FOR_A_DEMO: Readonly<Record<string, string>> = {
  COMFYUI_DIR: 'the demo boots the built-in fake ComfyUI',
  COMFYUI_PYTHON: 'the demo boots the built-in fake ComfyUI',
  COMFYUI_URL: 'the demo never attaches to a running server',
  COMFYUI_ALLOW_REMOTE: 'the demo never attaches to a running server',
  COMFYUI_PORT: 'the demo boots the fake on a free port',
  KOHYA_DIR: 'the demo checks the built-in fake kohya_ss',
  ACCELERATE_CONFIG: 'the demo checks the built-in fake kohya_ss',
  GATE_REPORT_DIR: 'demo reports go to <out>/<scenario> (set the folder with --out)',
  GATE_SIMULATED: 'a demo report is always SIMULATED',
};

export interface UserSettings {
  /** The person's own settings the demo runs with. */
  readonly used: Readonly<Record<string, string>>;
  /** The ones it does not use, each with why. */
  readonly ignored: readonly { readonly name: string; readonly value: string; readonly why: string }[];
}

/** Sorts the person's gate and fake settings into those the demo uses and those it cannot, never silently. */
export function sortUserSettings(env: NodeJS.ProcessEnv, scenario: DemoScenario): UserSettings {
  const used: Record<string, string> = {};
  const ignored: { name: string; value: string; why: string }[] = [];
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || !GATE_VARIABLE.test(name)) continue;
    const scenarioValue = scenario.env[name];
    const why =
      NOT_FOR_A_DEMO[name] ??
      (scenarioValue === undefined || scenarioValue === value ? undefined : `the ${scenario.name} scenario sets ${name}=${scenarioValue}`);
    if (why === undefined) used[name] = value;
    else ignored.push({ name, value, why });
  }
  return { used, ignored };
}

/** What the demo tells the person about their settings, one line each. */
export function describeUserSettings({ used, ignored }: UserSettings): string[] {
  const names = Object.entries(used).map(([name, value]) => `${name}=${value}`);
  return [
    ...(names.length === 0 ? [] : [`demo: using your ${names.join(', ')}`]),
    ...ignored.map(({ name, value, why }) => `demo: not using your ${name}=${value}: ${why}`),
  ];
}
