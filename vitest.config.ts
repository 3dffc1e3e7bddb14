import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { GateReporter } from './src/report/gate-reporter';
import { GateJunitReporter } from './src/report/gate-junit-reporter';
import { TruthSequencer } from './src/checks/truth-sequencer';
import { getReportDir } from './src/config/load-config';

// The gate: one spec per truth of the plan, run one at a time in the plan's order against one
// ComfyUI that global-setup.ts boots (or attaches to) and stops.

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    // One worker for all specs: they share nothing in memory (the run record is on disk), and a
    // fresh worker per spec file would add about half a second to every truth.
    isolate: false,
    maxWorkers: 1,
    sequence: { sequencer: TruthSequencer },
    // Specs carry their own deadlines (readiness, generation, watchdog); this only catches a bug.
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
    reporters: [new GateReporter({ reportDir: getReportDir() }), 'default', new GateJunitReporter({ outputFile: join(getReportDir(), 'junit.xml') })],
  },
});
