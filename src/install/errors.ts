import { GateError } from '../errors.ts';
import type { GateErrorOptions } from '../errors.ts';

export type CheckpointErrorCode =
  | 'CHECKPOINT_MISSING'
  | 'CHECKPOINT_UNREADABLE'
  | 'CHECKPOINT_TRUNCATED'
  | 'CHECKPOINT_HEADER_TOO_LARGE'
  | 'CHECKPOINT_HEADER_INVALID'
  | 'CHECKPOINT_SIZE_MISMATCH';

/** A .safetensors checkpoint that cannot be opened or whose header does not describe the file. */
export class CheckpointError extends GateError {
  declare readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}

export type FileHashErrorCode = 'HASH_FILE_UNREADABLE' | 'HASH_FILE_CHANGED' | 'HASH_CACHE_UNWRITABLE';

/** A file that could not be hashed, or a hash cache that could not be saved. */
export class FileHashError extends GateError {
  declare readonly code: FileHashErrorCode;

  constructor(code: FileHashErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}

export type KohyaSetupErrorCode =
  | 'KOHYA_DIR_MISSING'
  | 'KOHYA_PYTHON_MISSING'
  | 'KOHYA_PYTHON_NOT_EXECUTABLE'
  | 'KOHYA_PYTHON_FAILED'
  | 'KOHYA_PYTHON_TIMEOUT'
  | 'ACCELERATE_CONFIG_MISSING'
  | 'ACCELERATE_CONFIG_UNREADABLE'
  | 'ACCELERATE_CONFIG_INVALID'
  | 'ACCELERATE_MIXED_PRECISION_MISSING'
  | 'ACCELERATE_MIXED_PRECISION_WRONG';

/** A kohya_ss install that cannot train on MPS: folder, venv Python, or accelerate config. */
export class KohyaSetupError extends GateError {
  declare readonly code: KohyaSetupErrorCode;

  constructor(code: KohyaSetupErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}

export type CustomNodesErrorCode =
  | 'COMFYUI_DIR_MISSING'
  | 'NODE_PACK_MISSING'
  | 'NODE_PACK_DISABLED'
  | 'NODE_PACK_INCOMPLETE'
  | 'MODEL_MISSING'
  | 'MODEL_TOO_SMALL';

/** A custom node pack or model file that ComfyUI needs and does not have. */
export class CustomNodesError extends GateError {
  declare readonly code: CustomNodesErrorCode;

  constructor(code: CustomNodesErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}

export type ModelPathsErrorCode = 'MODEL_PATHS_CONFIG_UNREADABLE' | 'MODEL_PATHS_CONFIG_TOO_LARGE' | 'MODEL_PATHS_CONFIG_INVALID';

/** An extra_model_paths.yaml (or a --extra-model-paths-config file) the gate cannot read, so it cannot know where ComfyUI looks for models. */
export class ModelPathsError extends GateError {
  declare readonly code: ModelPathsErrorCode;

  constructor(code: ModelPathsErrorCode, message: string, options: GateErrorOptions) {
    super(code, message, options);
  }
}
