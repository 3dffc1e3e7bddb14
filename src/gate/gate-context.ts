/** What global setup hands every spec through provide/inject. */
export interface GateContext {
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
