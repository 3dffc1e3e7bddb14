import { sanitizeLine } from '../text/sanitize.ts';
import type { Finding } from './finding.ts';

// Causes measured during the run rather than read from a log: macOS swapping while the model
// generates, and the CPU speed limited by heat. Parsers take the tools' real output; the judges
// turn before/after readings into findings with the figures.

/** Swap in use, from `sysctl vm.swapusage`: `total = 2048.00M  used = 1034.25M  free = 1013.75M  (encrypted)`. */
export function parseSwapUsage(text: string): { readonly usedMiB: number; readonly totalMiB: number } | undefined {
  const used = /used\s*=\s*([\d.]+)([KMG])/i.exec(text);
  const total = /total\s*=\s*([\d.]+)([KMG])/i.exec(text);
  if (used?.[1] === undefined || total?.[1] === undefined) return undefined;
  return { usedMiB: toMiB(Number(used[1]), used[2] ?? 'M'), totalMiB: toMiB(Number(total[1]), total[2] ?? 'M') };
}

function toMiB(value: number, unit: string): number {
  const factor = unit.toUpperCase() === 'G' ? 1024 : unit.toUpperCase() === 'K' ? 1 / 1024 : 1;
  return Math.round(value * factor * 100) / 100;
}

/**
 * The CPU speed limit in percent from `pmset -g therm` (`CPU_Speed_Limit = 100`); Apple Silicon
 * Macs often print only "Note: No thermal warning level has been recorded", which means 100 %.
 */
export function parseThermal(text: string): { readonly speedLimitPercent: number; readonly warning?: string } | undefined {
  const limit = /CPU_Speed_Limit\s*=\s*(\d+)/.exec(text);
  const warning = /^(?!Note: No )(.*thermal warning level.*)$/im.exec(text)?.[1];
  if (limit?.[1] !== undefined) return { speedLimitPercent: Number(limit[1]), ...(warning === undefined ? {} : { warning: sanitizeLine(warning, 120) }) };
  if (/No thermal warning level has been recorded/i.test(text)) return { speedLimitPercent: 100 };
  return undefined;
}

export interface PressureReadings {
  readonly swapBefore?: { readonly usedMiB: number };
  readonly swapAfter?: { readonly usedMiB: number };
  readonly thermalAfter?: { readonly speedLimitPercent: number; readonly warning?: string };
}

/** Swap that grew by at least this much during a generation means macOS paged memory out to disk. */
export const SWAP_GROWTH_MIB = 256;

/** Findings from measurements around the generation: swap growth and a CPU speed limit below 100 %. */
export function judgePressure(readings: PressureReadings): Finding[] {
  const findings: Finding[] = [];
  const { swapBefore, swapAfter, thermalAfter } = readings;
  if (swapBefore !== undefined && swapAfter !== undefined && swapAfter.usedMiB - swapBefore.usedMiB >= SWAP_GROWTH_MIB) {
    const grown = Math.round(swapAfter.usedMiB - swapBefore.usedMiB);
    findings.push({
      id: 'swap-growth',
      severity: 'slows',
      title: 'macOS swapped memory to disk during the generation',
      evidence: [],
      cause: `swap in use grew by ${grown} MiB (from ${swapBefore.usedMiB} MiB to ${swapAfter.usedMiB} MiB) while the image was generated: the model and the other apps do not fit in memory`,
      fix: 'close memory-hungry apps (browsers, other models) before the run; on 16 GB keep to SD 1.5-sized models and 512x512',
      figures: { swapBeforeMiB: swapBefore.usedMiB, swapAfterMiB: swapAfter.usedMiB, grownMiB: grown },
    });
  }
  if (thermalAfter !== undefined && thermalAfter.speedLimitPercent < 100) {
    findings.push({
      id: 'thermal-throttling',
      severity: 'slows',
      title: 'the Mac was throttled by heat',
      evidence: [],
      cause: `pmset reports a CPU speed limit of ${thermalAfter.speedLimitPercent} %${thermalAfter.warning === undefined ? '' : ` (${thermalAfter.warning})`}: the chip runs slower to cool down`,
      fix: 'let the Mac cool down, keep it on a hard surface with its vents free, and run the gate again',
      figures: { speedLimitPercent: thermalAfter.speedLimitPercent },
    });
  }
  return findings;
}
