import { GateError } from '../errors.ts';
import type { GateErrorOptions } from '../errors.ts';

/** The outputs the parsers read, each with the command line that produces what they expect. */
export const GPU_OUTPUT_COMMANDS = {
  'powermetrics-plist': 'sudo powermetrics --samplers gpu_power -i 1000 -f plist',
  ioreg: 'ioreg -r -d 1 -w 0 -c IOAccelerator',
  'nvidia-smi-csv': 'nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm --format=csv,noheader,nounits -lms 200',
  macmon: 'macmon pipe -i 1000',
} as const;

export type GpuOutputFormat = keyof typeof GPU_OUTPUT_COMMANDS;

const EXCERPT_LENGTH = 80;

/** A GPU tool's output that cannot be read as samples. */
export class GpuParseError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('GPU_OUTPUT_UNPARSEABLE', message, options);
  }
}

export interface GpuParseErrorDetails {
  /** Said before the expected command in the hint, e.g. "Add gpu_power to --samplers." */
  readonly advice?: string;
  readonly cause?: unknown;
}

/** The first ~80 characters of the input, quoted and escaped so NULs and newlines stay visible. */
export function getExcerpt(input: string): string {
  const head = input.slice(0, EXCERPT_LENGTH);
  return JSON.stringify(head) + (input.length > EXCERPT_LENGTH ? '…' : '');
}

/** Builds the error for `problem` in `input`: the message quotes the input, the hint names the command expected. */
export function createGpuParseError(format: GpuOutputFormat, problem: string, input: string, { advice, cause }: GpuParseErrorDetails = {}): GpuParseError {
  const command = GPU_OUTPUT_COMMANDS[format];
  const where = input.trim() === '' ? `the input is empty (${getExcerpt(input)})` : `the input starts with ${getExcerpt(input)}`;
  const expected = `Expected the output of \`${command}\`.`;
  return new GpuParseError(`${problem}; ${where}`, {
    hint: advice === undefined ? expected : `${advice} ${expected}`,
    context: { format, command, excerpt: input.slice(0, EXCERPT_LENGTH) },
    cause,
  });
}

/** Checks a busy share read from `input`; out-of-range values mean the parser misread the output. */
export function validatePercent(format: GpuOutputFormat, name: string, value: number, input: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw createGpuParseError(format, `${name} is ${value}, outside 0..100`, input);
  }
  return value;
}
