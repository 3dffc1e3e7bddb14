import { GateError, type GateErrorOptions } from '../errors.ts';

/** A GPU sampler could not start, or stopped in the middle of a run. */
export class GpuSamplerError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('GPU_SAMPLER_FAILED', message, options);
  }
}
