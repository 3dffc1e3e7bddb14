import { createFinding, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';

// MPS holds float32, float16 and (macOS 14+) bfloat16; no float64, no float8. PyTorch words the
// refusal per dtype: "Cannot convert a MPS Tensor to float64 dtype as the MPS framework doesn't
// support float64", "Trying to convert Float8_e4m3fn to the MPS backend but it does not have support
// for that dtype", "BFloat16 is not supported on MPS" and "MPS BFloat16 is only supported on MacOS
// 14 or newer" (also seen on macOS 15 when an x86_64 Python makes PyTorch read the version as 10.16).

const DTYPE_ERRORS: readonly RegExp[] = [
  /Cannot\s+convert\s+an?\s+MPS\s+Tensor\s+to\s+([\w.]+)\s+dtype/i,
  /MPS\s+framework\s+does(?:n'?t|\s+not)\s+support\s+([\w.]+)/i,
  /Trying\s+to\s+convert\s+([\w.]+)\s+to\s+the\s+MPS\s+backend\s+but\s+it\s+does\s+not\s+have\s+support\s+for\s+that\s+dtype/i,
  /\bMPS\s+(\w+)\s+is\s+only\s+supported\s+on\s+mac\s?OS\s*\d+/i,
  /\b((?:torch\.)?(?:BFloat16|bfloat16|Float8_\w+|float8\w*|float64|Double|ComplexDouble|complex128))\s+is\s+not\s+supported\s+on\s+(?:the\s+)?MPS\b/i,
];

function readDtype(message: string): string | undefined {
  for (const pattern of DTYPE_ERRORS) {
    const dtype = pattern.exec(message)?.[1];
    if (dtype !== undefined) return dtype;
  }
  return undefined;
}

/** What to do for each family of dtype seen, in a fixed order. */
function describeFix(dtypes: readonly string[]): string {
  const has = (pattern: RegExp): boolean => dtypes.some((dtype) => pattern.test(dtype));
  const fixes = [
    has(/float64|double|complex128/i)
      ? 'float64: a node or model computes in double precision; update ComfyUI and the custom node (newer ones cast to float32 on MPS) or report it to its author.'
      : '',
    has(/float8/i) ? 'Float8: load an fp16, bf16 or GGUF copy of the model instead of the fp8 one.' : '',
    has(/bfloat16/i)
      ? 'BFloat16: MPS needs macOS 14 or newer and an arm64 Python; update macOS, or run that part in fp16/fp32 (for the VAE: --fp16-vae or --fp32-vae).'
      : '',
  ].filter((fix) => fix !== '');
  return fixes.length > 0 ? fixes.join(' ') : 'Use a precision MPS holds: float32, float16, or bfloat16 on macOS 14 or newer.';
}

/** A tensor type the MPS backend cannot hold (float64, float8, bfloat16 on older macOS). */
export function findUnsupportedDtype(lines: readonly LogLine[]): Finding | undefined {
  const hits = lines.flatMap((line) => {
    const dtype = readDtype(line.message);
    return dtype === undefined ? [] : [{ line, dtype: logFigure(dtype) }];
  });
  if (hits.length === 0) return undefined;
  const dtypes = [...new Set(hits.map((hit) => hit.dtype))];
  return createFinding(
    {
      id: 'mps-unsupported-dtype',
      severity: 'blocks',
      title: 'A dtype MPS does not support',
      cause: `The MPS backend cannot hold ${dtypes.join(', ')} tensors here, so the node that made one stopped.`,
      fix: describeFix(dtypes),
    },
    hits.map((hit) => hit.line),
    { dtypes: dtypes.join(', ') },
  );
}
