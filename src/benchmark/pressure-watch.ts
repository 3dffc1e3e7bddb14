import { judgePressure } from '../diagnosis/measured-causes.ts';
import type { Finding } from '../diagnosis/finding.ts';
import { readResidentMiB, readSwapUsedMiB, readThermal } from '../machine/read-pressure.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';

const RSS_EVERY_MS = 1000;

type Pressure = NonNullable<BenchmarkReport['benchmark']['pressure']>;

/** What the watch measured, and the findings it leads to (swap growth, throttling). */
export interface PressureResult {
  readonly pressure: Pressure;
  readonly findings: Finding[];
}

/**
 * Measures what slows a Mac down around the generation: swap in use before and after, the CPU
 * speed limit after, and ComfyUI's peak resident memory (boot mode: the gate knows its pid).
 * Off a Mac the tools do not answer and the result says so instead of inventing figures.
 */
export async function startPressureWatch(serverPid: number | undefined): Promise<{ finish(): Promise<PressureResult> }> {
  const swapBefore = await readSwapUsedMiB();
  let peakRssMiB: number | undefined;
  let sampling = Promise.resolve();
  const sample = () => {
    if (serverPid === undefined) return;
    sampling = sampling.then(async () => {
      const rss = await readResidentMiB(serverPid);
      if (rss !== undefined) peakRssMiB = Math.max(peakRssMiB ?? 0, rss);
    });
  };
  sample();
  const timer = setInterval(sample, RSS_EVERY_MS);
  timer.unref();
  return {
    async finish() {
      clearInterval(timer);
      sample();
      const [swapAfter, thermal] = await Promise.all([readSwapUsedMiB(), readThermal(), sampling]);
      const pressure: Pressure = {
        ...(swapBefore === undefined ? {} : { swapBeforeMiB: swapBefore }),
        ...(swapAfter === undefined ? {} : { swapAfterMiB: swapAfter }),
        ...(thermal === undefined ? {} : { speedLimitPercent: thermal.speedLimitPercent }),
        ...(peakRssMiB === undefined ? {} : { comfyuiPeakRssMiB: peakRssMiB }),
        ...(swapBefore === undefined && thermal === undefined ? { skipped: 'not a Mac: sysctl vm.swapusage and pmset -g therm did not answer' } : {}),
      };
      const findings = judgePressure({
        ...(swapBefore === undefined ? {} : { swapBefore: { usedMiB: swapBefore } }),
        ...(swapAfter === undefined ? {} : { swapAfter: { usedMiB: swapAfter } }),
        ...(thermal === undefined ? {} : { thermalAfter: thermal }),
      });
      return { pressure, findings };
    },
  };
}
