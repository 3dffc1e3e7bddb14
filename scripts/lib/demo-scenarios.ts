/**
 * What `npm run demo` can show: a passing gate, or one failure as a real machine would produce it,
 * each played by the built-in fake ComfyUI and fake GPU tools through their knobs
 * (fixtures/fake-comfyui/README.md, fixtures/fake-gpu-tools/README.md).
 */
export interface DemoScenario {
  readonly name: string;
  /** One line for `--scenario` help and the README. */
  readonly shows: string;
  /** Fake knobs and gate settings the scenario needs; they win over the user's own. */
  readonly env: Readonly<Record<string, string>>;
  /** The gate's verdict this scenario should end with. */
  readonly expected: 'PASS' | 'FAIL';
}

/** Slow enough to watch: a visible boot and a 20-step generation of about 3 s. */
export const DEMO_BASE_ENV: Readonly<Record<string, string>> = {
  FAKE_COMFYUI_STEP_MS: '150',
  FAKE_COMFYUI_BOOT_MS: '1500',
  // Every verdict of a demo report says SIMULATED.
  GATE_SIMULATED: '1',
};

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  { name: 'pass', shows: 'every truth passes', env: {}, expected: 'PASS' },
  {
    name: 'cpu-fallback',
    shows: 'the GPU stays idle after the prompt is queued: the watchdog stops the generation',
    // The watchdog's 30 s shortened so that it fires before the 3 s generation ends.
    env: { FAKE_GPU_MODE: 'flat', GATE_GPU_IDLE_S: '2' },
    expected: 'FAIL',
  },
  {
    name: 'wrong-device',
    shows: 'ComfyUI reports devices[0]: cuda (an NVIDIA box) while the gate expects mps',
    env: { FAKE_COMFYUI_DEVICE: 'cuda', GATE_GPU_SAMPLER: 'nvidia-smi', COMFYUI_EXPECT_DEVICE: 'mps' },
    expected: 'FAIL',
  },
  {
    name: 'over-budget',
    shows: 'a generation of about 3 s against a 1 s budget',
    // The deadline is set apart from the budget: the run must finish, slowly, not be interrupted.
    env: { GATE_BUDGET_S: '1', GATE_DEADLINE_S: '60' },
    expected: 'FAIL',
  },
  {
    name: 'crash',
    shows: 'ComfyUI dies at step 5 of the generation (as on an out-of-memory Mac)',
    env: { FAKE_COMFYUI_FAULT: 'crash-mid-run' },
    expected: 'FAIL',
  },
];

export const DEFAULT_SCENARIO = 'pass';

/** The scenario called `name`; undefined when there is none. */
export function findDemoScenario(name: string): DemoScenario | undefined {
  return DEMO_SCENARIOS.find((scenario) => scenario.name === name);
}

/** The scenario list as a person reads it after a typo. */
export function describeDemoScenarios(): string {
  const width = Math.max(...DEMO_SCENARIOS.map((scenario) => scenario.name.length));
  return DEMO_SCENARIOS.map((scenario) => `  ${scenario.name.padEnd(width)}  ${scenario.shows}${scenario.name === DEFAULT_SCENARIO ? ' (default)' : ''}`).join(
    '\n',
  );
}
