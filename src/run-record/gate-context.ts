import type { GateConfig } from '../config/gate-config.ts';

/** What global setup hands every spec through provide/inject. */
export interface GateContext {
  /** The configuration, parsed and frozen once per run by global setup (the seed included). */
  readonly config: GateConfig;
  readonly url: string;
  readonly runId: string;
  readonly mode: 'boot' | 'attach';
  readonly reportDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    gate: GateContext;
  }
}
