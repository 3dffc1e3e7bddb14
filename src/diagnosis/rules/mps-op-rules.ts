import { countValues, createFinding, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';

// Two different events that read alike. An op with no MPS kernel either stops the run
// (NotImplementedError "... is not currently implemented for the MPS device", worded against
// pytorch#77764 until 2024 and #141287 with a commit hash since), or, with PYTORCH_ENABLE_MPS_FALLBACK=1
// or for ops PyTorch itself routes to the CPU, runs there with a UserWarning "... is not currently
// supported on the MPS backend and will fall back to run on the CPU". The error's own advice
// ("use the CPU as a fallback for this op") must not count as a fallback that happened.

const QUOTE = `['"\`‘’]?`;
const OP = `([\\w:.]+)`;

const NOT_IMPLEMENTED: readonly RegExp[] = [
  new RegExp(`operator\\s+${QUOTE}${OP}${QUOTE}\\s+is\\s+not\\s+(?:currently\\s+|yet\\s+)?implemented\\s+for\\s+(?:the\\s+)?MPS\\b`, 'i'),
  // The dispatcher's wording when no MPS kernel is registered at all.
  new RegExp(`Could\\s+not\\s+run\\s+${QUOTE}${OP}${QUOTE}\\s+with\\s+arguments\\s+from\\s+the\\s+${QUOTE}MPS${QUOTE}\\s+backend`, 'i'),
];

const FALLBACK_OP = new RegExp(
  `operator\\s+${QUOTE}${OP}${QUOTE}\\s+is\\s+not\\s+(?:currently\\s+)?supported\\s+on\\s+(?:the\\s+)?MPS\\s+backend\\s+and\\s+will\\s+fall\\s*back`,
  'i',
);
// macOS < 13 variants: "MPS: 'nearest' mode upsampling is supported natively starting from macOS 13.0. Falling back on CPU."
const FALLBACK_FEATURE = /\bMPS:\s*(.+?)\.\s*Falling\s+back\s+(?:on|to)\s+(?:the\s+)?CPU/i;
const NATIVE_FROM = /\s+(?:is|are)\s+(?:only\s+)?supported\s+natively\s+starting\s+from\s+macOS\s*([\d.]+)$/i;

/** The op (or macOS-gated feature) a fallback warning names, and the macOS that would run it natively. */
function readFallback(message: string): { op: string; macOS?: string } | undefined {
  const op = FALLBACK_OP.exec(message)?.[1];
  if (op !== undefined) return { op };
  const feature = FALLBACK_FEATURE.exec(message)?.[1];
  if (feature === undefined) return undefined;
  const native = NATIVE_FROM.exec(feature);
  return native === null ? { op: feature } : { op: feature.slice(0, native.index), macOS: native[1] ?? '' };
}

function readNotImplemented(message: string): string | undefined {
  for (const pattern of NOT_IMPLEMENTED) {
    const op = pattern.exec(message)?.[1];
    if (op !== undefined) return op;
  }
  return undefined;
}

/** Ops that ran on the CPU because MPS has no kernel for them, with how often each was reported. */
export function findOpFallback(lines: readonly LogLine[]): Finding | undefined {
  const hits = lines.flatMap((line) => {
    const fallback = readFallback(line.message);
    return fallback === undefined ? [] : [{ line, op: logFigure(fallback.op), macOS: fallback.macOS }];
  });
  if (hits.length === 0) return undefined;
  const counts = countValues(hits.map((hit) => hit.op));
  const listed = [...counts].map(([op, count]) => `${op} ×${count}`).join(', ');
  const macOS = hits.find((hit) => hit.macOS !== undefined)?.macOS;
  return createFinding(
    {
      id: 'mps-op-fallback',
      severity: 'slows',
      title: 'Ops fell back to the CPU',
      cause: `${counts.size} op(s) have no MPS kernel here and ran on the CPU, copying tensors off the GPU and back: ${listed}.`,
      fix:
        (macOS === undefined ? '' : `Update macOS to ${logFigure(macOS)} or newer, where MPS runs this natively. `) +
        'Update PyTorch (each release adds MPS kernels) and ComfyUI, or replace the node that uses the op.',
    },
    hits.map((hit) => hit.line),
    Object.fromEntries(counts),
  );
}

/** An op with no MPS kernel and no fallback, which stops the run. */
export function findOpNotImplemented(lines: readonly LogLine[]): Finding | undefined {
  const hits = lines.flatMap((line) => {
    const op = readNotImplemented(line.message);
    return op === undefined ? [] : [{ line, op: logFigure(op) }];
  });
  if (hits.length === 0) return undefined;
  const ops = [...new Set(hits.map((hit) => hit.op))].join(', ');
  return createFinding(
    {
      id: 'mps-op-not-implemented',
      severity: 'blocks',
      title: 'An op is not implemented on MPS',
      cause: `PyTorch has no MPS kernel for ${ops}, so the node that needs it stopped.`,
      fix:
        'Update PyTorch (a newer release or nightly may have the kernel), or start ComfyUI with PYTORCH_ENABLE_MPS_FALLBACK=1 ' +
        'to run just that op on the CPU (slower), or use a node or model that avoids it.',
    },
    hits.map((hit) => hit.line),
    { ops },
  );
}
