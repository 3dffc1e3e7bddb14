import type { BenchmarkReport, TruthId } from './benchmark-report.ts';

/** What each truth's spec measured; travels as plain JSON in `task.meta` to the reporter. */
export interface TruthMeasurements {
  readonly reachable: { readonly systemStats: unknown; readonly responseMs: number };
  readonly device: BenchmarkReport['device'];
  readonly 'checkpoint-installed': NonNullable<BenchmarkReport['install']['checkpoint']>;
  readonly 'generation-under-budget': Omit<
    BenchmarkReport['benchmark'],
    'checkpoint' | 'width' | 'height' | 'steps' | 'sampler' | 'scheduler' | 'cfg' | 'prompt' | 'seed' | 'budgetS'
  >;
  readonly 'gpu-active': Omit<BenchmarkReport['gpu'], 'chartFile'>;
  readonly 'kohya-mixed-precision': NonNullable<BenchmarkReport['install']['kohya']>;
  readonly 'custom-nodes-loaded': NonNullable<BenchmarkReport['install']['customNodes']>;
}

/** Why a truth did not run: switched off by configuration, or an earlier truth failed. */
export type SkipKind = 'config' | 'not-run';

declare module 'vitest' {
  interface TaskMeta {
    truth?: TruthId;
    measurements?: Partial<TruthMeasurements>[TruthId];
    skipKind?: SkipKind;
    hint?: string;
  }
}
