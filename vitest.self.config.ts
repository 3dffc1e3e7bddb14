import { defineConfig } from 'vitest/config';

// The project's own tests: unit tests mirror src/, e2e tests run the gate as a subprocess.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    // Unit tests and the gate's e2e runs overlap on two workers; more would starve the fakes' timing.
    maxWorkers: 2,
    // At most two gate runs at once per worker (describe.concurrent): the runs are CPU-bound, so more
    // would not finish sooner on two cores, only stretch every deadline the tests check.
    maxConcurrency: 2,
    // Files share a worker: no test relies on a fresh module registry (env and timer stubs are
    // restored by the tests themselves), and a new worker per file costs about 0.35 s, 130 times over.
    isolate: false,
    hookTimeout: 60_000,
  },
});
