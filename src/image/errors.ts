import { GateError } from '../errors.ts';
import type { GateErrorOptions } from '../errors.ts';

export type PngErrorCode = 'PNG_NOT_PNG' | 'PNG_TRUNCATED' | 'PNG_CRC_MISMATCH' | 'PNG_MALFORMED' | 'PNG_TOO_LARGE';

/** Bytes that are not a usable PNG, or a PNG too large to be decoded safely. */
export class PngDecodeError extends GateError {
  declare readonly code: PngErrorCode;

  constructor(code: PngErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}

export type ImageCheckErrorCode = 'IMAGE_WRONG_SIZE' | 'IMAGE_BLANK' | 'IMAGE_UNIFORM';

/** A decodable image that is not the picture the gate asked for. */
export class ImageCheckError extends GateError {
  declare readonly code: ImageCheckErrorCode;

  constructor(code: ImageCheckErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}
