import { createFinding, findLines } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';

// Errors about where tensors live rather than what MPS can compute.

const PLACEHOLDER = [/Placeholder\s+storage\s+has\s+not\s+been\s+allocated\s+on\s+(?:the\s+)?MPS\s+device/i];

// Mac wheels of PyTorch carry no CUDA: any code path that asks for it ends here.
const CUDA_ONLY = [/Torch\s+not\s+compiled\s+with\s+CUDA\s+enabled/i, /Found\s+no\s+NVIDIA\s+driver\s+on\s+your\s+system/i];

// ComfyUI's get_torch_device returns "mps" without touching anything else when MPS is available;
// a traceback through it on a Mac means PyTorch said no and ComfyUI went on to torch.cuda.
const MPS_UNAVAILABLE = [/\bin\s+get_torch_device\b/, /\bMPS\s+(?:backend\s+)?(?:is\s+)?not\s+available\b/i];

/** A node left some tensors on the CPU while others are on MPS. */
export function findPlaceholderStorage(lines: readonly LogLine[]): Finding | undefined {
  const matched = findLines(lines, PLACEHOLDER);
  if (matched.length === 0) return undefined;
  return createFinding(
    {
      id: 'mps-placeholder-storage',
      severity: 'blocks',
      title: 'Tensors split between the CPU and MPS',
      cause: 'A node ran an MPS operation on a tensor that was still on the CPU (its model and inputs are on different devices).',
      fix: 'Update the custom node named in the error (and ComfyUI); if it persists, report it to the node author: it must move its model and inputs to the same device.',
    },
    matched,
  );
}

/** Code that assumes an NVIDIA GPU, run on a Mac. */
export function findCudaOnlyCode(lines: readonly LogLine[]): Finding | undefined {
  const matched = findLines(lines, CUDA_ONLY);
  if (matched.length === 0) return undefined;
  return createFinding(
    {
      id: 'cuda-only-code',
      severity: 'blocks',
      title: 'Code asked for CUDA on a Mac',
      cause:
        'Something called CUDA, which PyTorch for macOS does not have: a custom node or model hard-codes "cuda", or ComfyUI fell through to CUDA because MPS was unavailable.',
      fix: 'Find the node in the traceback and update it or replace it with one that supports MPS; if the traceback is in ComfyUI startup, check that torch.backends.mps.is_available() is True.',
    },
    matched,
  );
}

/** PyTorch reported no MPS, so ComfyUI could not choose the Apple GPU. */
export function findMpsUnavailable(lines: readonly LogLine[]): Finding | undefined {
  const matched = findLines(lines, MPS_UNAVAILABLE);
  if (matched.length === 0) return undefined;
  return createFinding(
    {
      id: 'mps-unavailable',
      severity: 'blocks',
      title: 'MPS was not available to PyTorch',
      cause: 'ComfyUI failed while choosing its device: PyTorch reported no MPS, so it tried CUDA, which a Mac does not have.',
      fix:
        'In ComfyUI\'s Python run: python -c "import torch, platform; print(platform.machine(), torch.backends.mps.is_available())" ' +
        'and expect "arm64 True"; otherwise install an arm64 Python and a current PyTorch (macOS 12.3 or newer).',
    },
    matched,
  );
}
