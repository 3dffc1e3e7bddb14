import { GateError } from '../errors';
import type { GateErrorOptions } from '../errors';

export type PngErrorCode =
  | 'PNG_NOT_PNG'
  | 'PNG_TRUNCATED'
  | 'PNG_CRC_MISMATCH'
  | 'PNG_MALFORMED'
  | 'PNG_UNSUPPORTED';

/** Bytes that cannot be decoded as a PNG this gate understands. */
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
