/** A way to interrupt the gate: which signal, to whom, and at what moment of the run. */
export interface ChaosScenario {
  readonly name: string;
  readonly signal: NodeJS.Signals;
  /** 'group': every process of `npm test`'s group, as Ctrl-C in a terminal; 'npm': the npm process alone. */
  readonly target: 'group' | 'npm';
  /** Fake knobs that make the moment last long enough to hit. */
  readonly env: Readonly<Record<string, string>>;
  /** The fake's event that marks the moment, and how long after it the signal goes. */
  readonly after: { readonly event: string; readonly delayMs: number };
}

// "During boot" is anchored on the fake's own `start` event, not on the spawn of npm: here npm and
// Vitest need over a second before global setup even spawns ComfyUI, so a signal 500 ms after the
// spawn would never reach a booting server. The boot lasts 8 s, not 3: an orphaned fake dies of
// EPIPE when it first logs after its reader is gone (at listen time), which with 3 s would hide a
// leak 2.5 s after the signal; real ComfyUI (Python ignores SIGPIPE) would keep running.
const BOOTING = { env: { FAKE_COMFYUI_BOOT_MS: '8000' }, after: { event: 'start', delayMs: 500 } } as const;
// 20 steps × 200 ms: the signal lands about 4 s before the run would end.
const GENERATING = { env: { FAKE_COMFYUI_STEP_MS: '200' }, after: { event: 'execution_start', delayMs: 0 } } as const;

export const CHAOS_SCENARIOS: readonly ChaosScenario[] = [
  { name: 'SIGINT to the group during boot', signal: 'SIGINT', target: 'group', ...BOOTING },
  { name: 'SIGINT to the group during generation', signal: 'SIGINT', target: 'group', ...GENERATING },
  { name: 'SIGTERM to npm only during generation', signal: 'SIGTERM', target: 'npm', ...GENERATING },
  { name: 'SIGTERM to npm only during boot', signal: 'SIGTERM', target: 'npm', ...BOOTING },
];
