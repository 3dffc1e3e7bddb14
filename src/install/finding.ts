import type { GateError } from '../errors.ts';

/** One failed check, in the same shape as the error that describes it, so a report can list them all. */
export interface Finding {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

/** The finding for a check that failed with `error`. */
export function createFinding(error: GateError): Finding {
  return { code: error.code, message: error.message, hint: error.hint };
}
