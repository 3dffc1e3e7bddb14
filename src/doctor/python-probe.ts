import { z } from 'zod';
import { sanitizeLine } from '../text/sanitize.ts';
import { getLastLine } from './describe-command.ts';

/** The first line of the probe script; the fake venv python recognises the probe by it. */
export const PROBE_MARKER = '# comfyui-gate doctor probe';

/**
 * Run as `python -c PROBE_SCRIPT`: prints one JSON line about the interpreter and torch. It must
 * also answer when torch is missing or broken, since that is the thing the doctor looks for.
 */
export const PROBE_SCRIPT = [
  PROBE_MARKER,
  'import json, platform',
  'out = {"python_version": platform.python_version(), "machine": platform.machine(), "torch_version": None,',
  '       "mps_built": None, "mps_available": None, "cuda_available": None}',
  'try:',
  '    import torch',
  '    out["torch_version"] = str(torch.__version__)',
  '    mps = getattr(torch.backends, "mps", None)',
  '    out["mps_built"] = bool(mps is not None and mps.is_built())',
  '    out["mps_available"] = bool(mps is not None and mps.is_available())',
  '    out["cuda_available"] = bool(torch.cuda.is_available())',
  'except Exception as error:',
  '    out["error"] = "%s: %s" % (type(error).__name__, error)',
  'print(json.dumps(out))',
].join('\n');

const rawProbeSchema = z.object({
  python_version: z.string(),
  machine: z.string(),
  torch_version: z.string().nullable(),
  mps_built: z.boolean().nullable(),
  mps_available: z.boolean().nullable(),
  cuda_available: z.boolean().nullable(),
  error: z.string().optional(),
});

/** What the venv's Python said about itself and torch; every string sanitised. */
export interface PythonProbe {
  readonly pythonVersion: string;
  readonly machine: string;
  /** Null when `import torch` failed. */
  readonly torchVersion: string | null;
  readonly mpsBuilt: boolean | null;
  readonly mpsAvailable: boolean | null;
  readonly cudaAvailable: boolean | null;
  /** The exception the probe caught while asking torch, e.g. `ModuleNotFoundError: No module named 'torch'`. */
  readonly error: string | undefined;
}

/** The probe's answer, or why there is none. */
export type PythonReading = { readonly kind: 'probed'; readonly probe: PythonProbe } | { readonly kind: 'failed'; readonly detail: string };

/** Reads the probe's JSON from the last non-empty stdout line (torch may print before it). */
export function parsePythonProbe(stdout: string): PythonReading {
  const line = getLastLine(stdout);
  if (line === '') return { kind: 'failed', detail: 'the probe printed nothing' };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: 'failed', detail: `the probe printed ${sanitizeLine(line, 120)}, not JSON` };
  }
  const parsed = rawProbeSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    return { kind: 'failed', detail: `the probe's JSON has bad or missing fields: ${sanitizeLine(fields, 120)}` };
  }
  const raw = parsed.data;
  return {
    kind: 'probed',
    probe: {
      pythonVersion: sanitizeLine(raw.python_version, 40),
      machine: sanitizeLine(raw.machine, 40),
      torchVersion: raw.torch_version === null ? null : sanitizeLine(raw.torch_version, 60),
      mpsBuilt: raw.mps_built,
      mpsAvailable: raw.mps_available,
      cudaAvailable: raw.cuda_available,
      error: raw.error === undefined ? undefined : sanitizeLine(raw.error, 200),
    },
  };
}
