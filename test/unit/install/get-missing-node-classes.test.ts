import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { getMissingNodeClasses } from '../../../src/install/get-missing-node-classes.ts';

// A real /object_info from a ComfyUI 0.3.64 without comfyui_controlnet_aux.
const OBJECT_INFO = new URL('../../../fixtures/recordings/0.3.64-cuda/object_info.json.gz', import.meta.url);
const loaded = Object.keys(JSON.parse(gunzipSync(readFileSync(OBJECT_INFO)).toString('utf8')) as Record<string, unknown>);

describe('getMissingNodeClasses', () => {
  it('names OpenposePreprocessor as missing from a server without controlnet_aux', () => {
    expect(getMissingNodeClasses(loaded)).toEqual(['OpenposePreprocessor']);
  });

  it('finds nothing missing when every class is loaded, and keeps the required order otherwise', () => {
    expect(getMissingNodeClasses(loaded, ['KSampler', 'CheckpointLoaderSimple', 'ControlNetApplyAdvanced'])).toEqual([]);
    expect(getMissingNodeClasses(['KSampler'], ['DWPreprocessor', 'KSampler', 'OpenposePreprocessor'])).toEqual(['DWPreprocessor', 'OpenposePreprocessor']);
  });
});
