import { LEFTOVER_DEADLINE_MS, runChaosOnce, type ChaosRun } from './lib/chaos-run.ts';
import { CHAOS_SCENARIOS, type ChaosScenario } from './lib/chaos-scenarios.ts';
import type { GateProcess } from './lib/gate-process.ts';
import { renderTable } from './lib/render-table.ts';
import { getRunCount } from './lib/run-count.ts';
import { summarize } from './lib/stats.ts';
import { runScript } from './lib/run-script.ts';

// `npm run chaos`: interrupts the gate (`npm test` against the fake ComfyUI) the ways a person or a
// CI runner does, N times per scenario, one run at a time, and counts what outlived it. Exits 1 if
// any process of a run was still there 5 s after the signal.

let current: GateProcess | undefined;

async function main(): Promise<void> {
  const runs = getRunCount(process.argv.slice(2), process.env, 'CHAOS_RUNS', 20);
  console.log(`comfyui-gate chaos: ${CHAOS_SCENARIOS.length} scenarios × ${runs} run(s) of \`npm test\` against the fake ComfyUI, one at a time\n`);
  const results = new Map<ChaosScenario, ChaosRun[]>();
  for (const scenario of CHAOS_SCENARIOS) {
    const done: ChaosRun[] = [];
    results.set(scenario, done);
    for (let index = 1; index <= runs; index += 1) {
      const run = await runChaosOnce(scenario, (gate) => (current = gate));
      current = undefined;
      done.push(run);
      console.log(`${scenario.name} ${index}/${runs}: ${describeRun(run)}`);
    }
  }
  console.log(
    `\n${renderTable(
      ['scenario', 'runs', 'leftovers', 'npm exit median', 'npm exit max', 'all gone median', 'all gone max', 'npm ended with', 'fake logged SIGTERM'],
      [...results].map(([scenario, done]) => getRow(scenario, done)),
    )}`,
  );
  console.log(`\nnpm exit = signal → the npm process exited; all gone = signal → no process with the run's GATE_E2E_TAG left (polled every 20 ms).`);
  console.log('"fake logged SIGTERM": runs in which the fake ComfyUI\'s SIGTERM handler ran; otherwise it was SIGKILLed first, or never signalled at all.');

  const all = [...results.values()].flat();
  const measured = all.filter((run) => run.problem === undefined);
  const leaked = all.filter((run) => run.leftovers.length > 0);
  const skipped = all.length - measured.length;
  if (skipped > 0) console.log(`\n${skipped} run(s) never reached the moment to signal and were not counted (see the lines above).`);
  if (leaked.length === 0) {
    console.log(`\n0 leftovers in ${runs}×${CHAOS_SCENARIOS.length} runs`);
    process.exitCode = skipped > 0 ? 1 : 0;
    return;
  }
  console.log(`\nLeft running ${LEFTOVER_DEADLINE_MS / 1000} s after the signal (then killed):`);
  for (const run of leaked) console.log(`  ${run.reportDir}:\n${run.leftovers.map((entry) => `    ${entry}`).join('\n')}`);
  process.exitCode = 1;
}

function describeRun(run: ChaosRun): string {
  if (run.problem !== undefined) return `not counted: ${run.problem}`;
  const ms = (value: number | undefined) => (value === undefined ? `> ${LEFTOVER_DEADLINE_MS} ms` : `${value} ms`);
  const left = run.leftovers.length === 0 ? '0 left' : `${run.leftovers.length} LEFT: ${run.leftovers.join('; ')}`;
  return `npm exited after ${ms(run.npmExitMs)} (${run.exit ?? 'still running'}), all gone after ${ms(run.allGoneMs)}, ${left}${run.fakeSawSigterm ? '' : ', the fake logged no SIGTERM'}`;
}

function getRow(scenario: ChaosScenario, done: readonly ChaosRun[]): string[] {
  const measured = done.filter((run) => run.problem === undefined);
  const npmExit = summarize(measured.map((run) => run.npmExitMs));
  const allGone = summarize(measured.map((run) => run.allGoneMs));
  const leftovers = measured.reduce((sum, run) => sum + run.leftovers.length, 0);
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
  const exits = new Map<string, number>();
  for (const run of measured) exits.set(run.exit ?? 'still running', (exits.get(run.exit ?? 'still running') ?? 0) + 1);
  const hung = measured.filter((run) => run.allGoneMs === undefined).length;
  return [
    scenario.name,
    `${measured.length}${measured.length === done.length ? '' : `/${done.length}`}`,
    `${leftovers}${hung === 0 ? '' : ` (${hung} runs)`}`,
    ms(npmExit?.median),
    ms(npmExit?.max),
    ms(allGone?.median),
    ms(allGone?.max),
    [...exits].map(([exit, count]) => `${exit} ×${count}`).join(', '),
    `${measured.filter((run) => run.fakeSawSigterm).length}/${measured.length}`,
  ];
}

runScript('chaos', main, () => current);
