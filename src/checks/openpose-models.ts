import { DEFAULT_MODEL_REQUIREMENTS, type ModelRequirement } from '../install/find-custom-nodes.ts';

/** The OpenPose model files to require: GATE_OPENPOSE_MODELS (paths in the ComfyUI folder) or the defaults. */
export function getModelRequirements(paths: readonly string[] | undefined): readonly ModelRequirement[] {
  if (paths === undefined) return DEFAULT_MODEL_REQUIREMENTS;
  return paths.map((path) => ({ label: path, paths: [path], hint: `put the model at ${path} in the ComfyUI folder, or change GATE_OPENPOSE_MODELS` }));
}
