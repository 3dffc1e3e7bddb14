import { z } from 'zod';
import { PLAN_DEFAULTS } from './defaults.ts';
import { splitShellWords } from './shell-words.ts';

const SAMPLERS = ['auto', 'powermetrics', 'macmon', 'ioreg', 'nvidia-smi', 'none'] as const;
const DEVICES = ['mps', 'cuda', 'cpu'] as const;
const CRITERIA = ['infra-02', 'infra-03', 'infra-05', 'gpu'] as const;

const text = (fallback: string) => z.string().trim().min(1, 'must not be empty').default(fallback);
const optionalText = z.string().trim().min(1, 'must not be empty').optional();

const number = (fallback: number, check: z.ZodNumber) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(check)
    .default(fallback);

const integer = (fallback: number, check: z.ZodNumber) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(check)
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be 1 or 0' })
    .transform((value) => ['1', 'true', 'yes'].includes(value))
    .default(fallback);

/** The most generations one run makes (GATE_RUNS): enough for a median, not enough to hold a machine for an hour. */
export const MAX_RUNS = 20;

// argparse takes an unambiguous prefix (--lis, --po) as the whole flag, so those are the gate's too.
const GATE_FLAG = /^--(li|lis|list|liste|listen|po|por|port)(=.*)?$/s;

const shellWords = z
  .string()
  .transform((value, context) => {
    try {
      return splitShellWords(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  })
  .superRefine((words, context) => {
    const taken = words.find((word) => GATE_FLAG.test(word));
    if (taken === undefined) return;
    const flag = taken.split('=')[0] ?? taken;
    context.addIssue({
      code: 'custom',
      message: `${flag} is the gate's own flag: ComfyUI always listens on 127.0.0.1, on COMFYUI_PORT (set COMFYUI_PORT for another port, or start ComfyUI yourself and attach with COMFYUI_URL)`,
    });
  });

const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

/**
 * Every environment variable the gate reads, with the plan's defaults.
 * Keys are the variable names, so an issue's path names the variable to fix.
 */
export const envSchema = z.object({
  COMFYUI_DIR: text(PLAN_DEFAULTS.comfyuiDir),
  COMFYUI_PYTHON: optionalText,
  COMFYUI_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// URL such as http://127.0.0.1:8188' }).optional(),
  COMFYUI_ALLOW_REMOTE: flag(false),
  COMFYUI_PORT: integer(PLAN_DEFAULTS.port, z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535')),
  COMFYUI_FORCE_FP16: flag(true),
  COMFYUI_EXPECT_DEVICE: z.enum(DEVICES, { error: 'must be one of mps, cuda, cpu' }).default(PLAN_DEFAULTS.expectedDevice),
  COMFYUI_READY_TIMEOUT_S: number(180, z.number().positive('must be more than 0')),
  /** Extra arguments for the boot command, split like a shell would; never run through a shell. */
  COMFYUI_ARGS: shellWords.default([]),
  GATE_CHECKPOINT: text(PLAN_DEFAULTS.checkpoint),
  GATE_WIDTH: integer(PLAN_DEFAULTS.width, z.number().int().min(64, 'must be at least 64').multipleOf(8, 'must be a multiple of 8')),
  GATE_HEIGHT: integer(PLAN_DEFAULTS.height, z.number().int().min(64, 'must be at least 64').multipleOf(8, 'must be a multiple of 8')),
  GATE_STEPS: integer(PLAN_DEFAULTS.steps, z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000')),
  GATE_SAMPLER: text(PLAN_DEFAULTS.sampler),
  GATE_SCHEDULER: text(PLAN_DEFAULTS.scheduler),
  GATE_CFG: number(PLAN_DEFAULTS.cfg, z.number().min(0, 'must be 0 or more').max(100, 'must be at most 100')),
  GATE_PROMPT: text(PLAN_DEFAULTS.prompt),
  GATE_SEED: z.string().trim().regex(/^\d+$/, 'must be a whole number, 0 or more').transform(Number).optional(),
  GATE_RUNS: integer(1, z.number().int().min(1, 'must be at least 1').max(MAX_RUNS, `must be at most ${MAX_RUNS}`)),
  GATE_WORKFLOW: optionalText,
  GATE_BUDGET_S: number(PLAN_DEFAULTS.budgetSeconds, z.number().positive('must be more than 0')),
  GATE_DEADLINE_S: number(0, z.number().min(0, 'must be 0 (twice the budget) or more')),
  GATE_REPORT_DIR: text('reports'),
  GATE_GPU_SAMPLER: z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }).default('auto'),
  GATE_GPU_INTERVAL_MS: integer(250, z.number().int().min(50, 'must be at least 50').max(10_000, 'must be at most 10000')),
  GATE_GPU_THRESHOLD: number(1, z.number().min(0, 'must be 0-100').max(100, 'must be 0-100')),
  GATE_GPU_IDLE_S: number(30, z.number().min(0, 'must be 0 (off) or more')),
  GATE_SOCKET_SILENCE_S: number(10, z.number().positive('must be more than 0')),
  GATE_SKIP: list.pipe(z.array(z.enum(CRITERIA, { error: `each entry must be one of ${CRITERIA.join(', ')}` }))).default([]),
  KOHYA_DIR: text(PLAN_DEFAULTS.kohyaDir),
  ACCELERATE_CONFIG: text(PLAN_DEFAULTS.accelerateConfig),
  GATE_OPENPOSE_MODELS: list.optional(),
  /** Set by `npm run demo`: the run is against the built-in fake and every verdict says SIMULATED. */
  GATE_SIMULATED: flag(false),
});

export type RawEnv = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;
export type SamplerChoice = (typeof SAMPLERS)[number];
export type DeviceType = (typeof DEVICES)[number];
export type Criterion = (typeof CRITERIA)[number];
