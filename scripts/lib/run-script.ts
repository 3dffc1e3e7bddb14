import type { GateProcess } from './gate-process.ts';

/**
 * Runs a script's main function; Ctrl-C, SIGTERM or a failure first ends the gate run in progress
 * (`getCurrent`), so the script never leaves one behind.
 */
export function runScript(name: string, main: () => Promise<void>, getCurrent: () => GateProcess | undefined): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      const killed = getCurrent()?.killEverything() ?? [];
      console.error(`\n${name}: ${signal}, stopped the current gate run${killed.length === 0 ? '' : ` (${killed.length} processes)`}`);
      process.exit(130);
    });
  }
  main().catch((error: unknown) => {
    getCurrent()?.killEverything();
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
