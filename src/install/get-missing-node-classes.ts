/** Node classes the gate's OpenPose workflow needs from comfyui_controlnet_aux. */
export const DEFAULT_REQUIRED_NODE_CLASSES: readonly string[] = ['OpenposePreprocessor'];

/** The required node classes the server did not load, in the order required; `loaded` is the key list of GET /object_info. */
export function getMissingNodeClasses(loaded: Iterable<string>, required: readonly string[] = DEFAULT_REQUIRED_NODE_CLASSES): string[] {
  const available = new Set(loaded);
  return required.filter((name) => !available.has(name));
}
