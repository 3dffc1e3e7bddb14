import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { GateReporter } from './src/report/gate-reporter.ts';
import { TruthSequencer } from './src/checks/truth-sequencer.ts';
import { getReportDir } from './src/config/load-config.ts';

// The gate: one spec per truth of the plan, run one at a time in the plan's order against one
// ComfyUI that global-setup.ts boots (or attaches to) and stops.

export default defineConfig({
  // Vitest UI serves attachments only from allowed folders; GATE_REPORT_DIR may be outside the project.
  server: { fs: { allow: [getReportDir()] } },
  test: {
    include: ['specs/**/*.spec.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    // One worker for all specs: they share nothing in memory (the run record is on disk), and a
    // fresh worker per spec file would add about half a second to every truth.
    isolate: false,
    maxWorkers: 1,
    // A worker thread, not a child process: about 0.5 s less per run, and no second process that a
    // signal could leave behind (the specs change no process-wide state: no chdir, no exit).
    pool: 'threads',
    sequence: { sequencer: TruthSequencer },
    // Specs carry their own deadlines (readiness, generation, watchdog); this only catches a bug.
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
    // What the truths attach (the image, the earlier report, GPU samples) stays with the reports.
    attachmentsDir: join(getReportDir(), '.vitest-attachments'),
    // junit.xml is written by GateReporter from the whole report (see src/report/render-junit.ts).
    // Setting `reporters` turns off Vitest's automatic github-actions reporter; it annotates failures.
    reporters: [new GateReporter({ reportDir: getReportDir() }), 'default', ...(process.env.GITHUB_ACTIONS === 'true' ? ['github-actions' as const] : [])],
  },
});
