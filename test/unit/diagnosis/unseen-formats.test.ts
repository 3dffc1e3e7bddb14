import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { diagnoseLog } from '../../../src/diagnosis/diagnose-log.ts';
import type { Finding, FindingId, Severity } from '../../../src/diagnosis/finding.ts';
import { MAX_MESSAGE_CHARS, splitLogLines } from '../../../src/diagnosis/log-lines.ts';

// Lines the real logs do not hold: other prefixes, CRLF, ops and units never seen, hostile text.

const MAC_LOGS = fileURLToPath(new URL('../../../fixtures/mac-logs/', import.meta.url));

function problemIds(text: string): FindingId[] {
  return diagnoseLog(text)
    .filter((finding) => finding.severity !== 'info')
    .map((finding) => finding.id);
}

function byId(findings: readonly Finding[], id: FindingId): Finding {
  const finding = findings.find((entry) => entry.id === id);
  if (finding === undefined) throw new Error(`no ${id} finding`);
  return finding;
}

/** C0 and C1 control characters, which must never reach a terminal raw. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

const ONE_LINE_CASES: readonly (readonly [FindingId, string, Severity])[] = [
  [
    'mps-out-of-memory',
    'RuntimeError: MPS backend out of memory (MPS allocated: 17.2 GiB, other allocations: 0 bytes, max allowed: 18.13 GiB). Tried to allocate 2.5 GiB on private pool.',
    'blocks',
  ],
  ['mps-op-not-implemented', "NotImplementedError: The operator 'aten::_fft_r2c' is not currently implemented for the MPS device.", 'blocks'],
  [
    'mps-unsupported-dtype',
    "TypeError: Cannot convert a MPS Tensor to float64 dtype as the MPS framework doesn't support float64. Please use float32 instead.",
    'blocks',
  ],
  ['mps-placeholder-storage', 'RuntimeError: Placeholder storage has not been allocated on MPS device!', 'blocks'],
  ['cuda-only-code', 'AssertionError: Torch not compiled with CUDA enabled', 'blocks'],
  ['mps-unavailable', 'MPS not available because the current PyTorch install was not built with MPS enabled.', 'blocks'],
  ['running-on-cpu', 'Device: cpu', 'blocks'],
  ['mps-op-fallback', "UserWarning: The operator 'aten::nonzero' is not currently supported on the MPS backend and will fall back to run on the CPU.", 'slows'],
  ['x86-python', 'Python platform: macOS-10.16-x86_64-i386-64bit', 'slows'],
  ['fp32-forced', 'Forcing FP32, if this improves things please report it.', 'slows'],
  ['low-vram-mode', 'Set vram state to: LOW_VRAM', 'slows'],
];

const PREFIXES = ['', '2026-01-01T00:00:00Z [WARN] ', '[2025-10-11 09:18:43.723] ', '2024-11-11 16:48:19,205 - root - INFO - ', 'WARNING:root:', '> ', '   '];

describe('one line per problem, under any prefix', () => {
  for (const prefix of PREFIXES) {
    it.each(ONE_LINE_CASES)(`%s with prefix ${JSON.stringify(prefix)}`, (id, line, severity) => {
      const findings = diagnoseLog(`${prefix}${line}`).filter((finding) => finding.severity !== 'info');
      expect(findings.map((finding) => [finding.id, finding.severity])).toEqual([[id, severity]]);
    });
  }

  it('tolerates extra spaces and tabs inside the message', () => {
    expect(problemIds('Set  vram\tstate to:   NO_VRAM')).toEqual(['low-vram-mode']);
    expect(problemIds("The operator  'aten::nonzero'  is not currently supported on the MPS backend and will fall back to run on the CPU")).toEqual([
      'mps-op-fallback',
    ]);
  });
});

describe('CRLF logs', () => {
  it.each([
    'intel-xeon-x86_64-mac-torch222-force-fp32-mps.txt',
    'desktop-ksampler-mps-oom-9GB-limit-error-report.txt',
    'sysinfo-36gb-logging-root-info-format.txt',
  ])('%s gives the same findings, lines and figures with CRLF endings', (name) => {
    const lf = readFileSync(`${MAC_LOGS}${name}`, 'utf8');
    expect(lf).not.toContain('\r');
    expect(diagnoseLog(lf.replace(/\n/g, '\r\n'))).toEqual(diagnoseLog(lf));
  });
});

describe('ops and wordings never seen', () => {
  it('counts each fallback op, naming ops it has never seen', () => {
    const warn = (op: string): string =>
      `UserWarning: The operator '${op}' is not currently supported on the MPS backend and will fall back to run on the CPU. This may have performance implications.`;
    const log = [warn('aten::nonzero'), warn('aten::_made_up_op.Scalar'), warn('aten::nonzero'), warn('aten::nonzero')].join('\n');
    const fallback = byId(diagnoseLog(log), 'mps-op-fallback');
    expect(fallback.figures).toEqual({ 'aten::nonzero': 3, 'aten::_made_up_op.Scalar': 1 });
    expect(fallback.cause).toBe(
      '2 op(s) have no MPS kernel here and ran on the CPU, copying tensors off the GPU and back: aten::nonzero ×3, aten::_made_up_op.Scalar ×1.',
    );
  });

  it("reads a macOS-gated fallback it has not seen, but not the not-implemented error's own advice", () => {
    const log = 'UserWarning: MPS: passing scale factor to upsample ops is supported natively starting from macOS 13.0. Falling back on CPU.';
    expect(byId(diagnoseLog(log), 'mps-op-fallback').figures).toEqual({ 'passing scale factor to upsample ops': 1 });
    const error =
      "The operator 'aten::foo' is not currently implemented for the MPS device. As a temporary fix, you can set the environment variable `PYTORCH_ENABLE_MPS_FALLBACK=1` to use the CPU as a fallback for this op.";
    expect(problemIds(error)).toEqual(['mps-op-not-implemented']);
  });

  it("reads the dispatcher's wording and lists each missing op once", () => {
    const log = [
      "NotImplementedError: Could not run 'torchvision::nms' with arguments from the 'MPS' backend.",
      "NotImplementedError: The operator 'aten::_made_up_op' is not yet implemented for the MPS device",
      "NotImplementedError: Could not run 'torchvision::nms' with arguments from the 'MPS' backend.",
    ].join('\n');
    const finding = byId(diagnoseLog(log), 'mps-op-not-implemented');
    expect(finding.figures).toEqual({ ops: 'torchvision::nms, aten::_made_up_op' });
    expect(finding.evidence.map((entry) => entry.line)).toEqual([1, 2, 3]);
  });

  it('reads GiB and bytes as printed, and the single-buffer limit', () => {
    expect(byId(diagnoseLog(ONE_LINE_CASES[0]?.[1] ?? ''), 'mps-out-of-memory').figures).toEqual({
      allocated: '17.2 GiB',
      other: '0 bytes',
      maxAllowed: '18.13 GiB',
      requested: '2.5 GiB',
    });
    const buffer = byId(diagnoseLog('RuntimeError: Invalid buffer size: 12.50 GB'), 'mps-out-of-memory');
    expect(buffer.figures).toEqual({ requested: '12.50 GB' });
    expect(buffer.cause).toBe('An allocation of 12.50 GB did not fit in the memory MPS may use.');
  });

  it('gives each dtype family its fix', () => {
    const finding = byId(
      diagnoseLog('Trying to convert Float8_e5m2 to the MPS backend but it does not have support for that dtype.\nBFloat16 is not supported on MPS'),
      'mps-unsupported-dtype',
    );
    expect(finding.figures).toEqual({ dtypes: 'Float8_e5m2, BFloat16' });
    expect(finding.fix).toBe(
      'Float8: load an fp16, bf16 or GGUF copy of the model instead of the fp8 one. ' +
        'BFloat16: MPS needs macOS 14 or newer and an arm64 Python; update macOS, or run that part in fp16/fp32 (for the VAE: --fp16-vae or --fp32-vae).',
    );
  });

  it('caps evidence at five lines and counts the rest', () => {
    const log = Array.from({ length: 8 }, () => 'RuntimeError: Placeholder storage has not been allocated on MPS device!').join('\n');
    const finding = byId(diagnoseLog(log), 'mps-placeholder-storage');
    expect(finding.evidence.map((entry) => entry.line)).toEqual([1, 2, 3, 4, 5]);
    expect(finding.more).toBe(3);
  });
});

describe('launch settings', () => {
  it('reads flags only where ComfyUI was launched', () => {
    expect(problemIds('Using sub quadratic optimization, if you have memory or speed issues try using: --lowvram --cpu --force-fp32')).toEqual([]);
    expect(problemIds('python main.py --cpu-vae --force-fp16')).toEqual([]);
    expect(problemIds('python main.py --lowvram')).toEqual(['low-vram-mode']);
    expect(problemIds('Arguments | main.py --novram --port 8000')).toEqual(['low-vram-mode']);
    expect(problemIds('    "argv": ["ComfyUI/main.py", "--cpu"]')).toEqual(['running-on-cpu']);
    expect(problemIds('comfy launch -- --force-fp32')).toEqual(['fp32-forced']);
  });

  it('finds the CPU in System Information, /system_stats and the DISABLED vram state', () => {
    expect(problemIds('- **Type:** cpu')).toEqual(['running-on-cpu']);
    expect(problemIds('      "name": "cpu", "type": "cpu", "index": null,')).toEqual(['running-on-cpu']);
    expect(problemIds('Set vram state to: DISABLED')).toEqual(['running-on-cpu']);
    expect(problemIds('VAE load device: mps, offload device: cpu, dtype: torch.bfloat16')).toEqual([]);
  });

  it('says what showed the CPU', () => {
    const finding = byId(diagnoseLog('python main.py --cpu\nSet vram state to: DISABLED\nDevice: cpu'), 'running-on-cpu');
    expect(finding.cause).toBe(
      'ComfyUI ran its models on the CPU, not the Apple GPU (seen: the --cpu argument, "Device: cpu" at startup, vram state DISABLED).',
    );
    expect(finding.evidence.map((entry) => entry.line)).toEqual([1, 2, 3]);
  });

  it('flags fp32 weights only when fp16 was asked for', () => {
    const weights = 'model weight dtype torch.float32, manual cast: None';
    expect(problemIds(weights)).toEqual([]);
    expect(problemIds(`python main.py --force-fp16\n${weights}`)).toEqual(['fp32-forced']);
    expect(problemIds(`Forcing FP16.\n${weights}`)).toEqual(['fp32-forced']);
  });

  it('keeps the vram state it saw as a figure', () => {
    expect(byId(diagnoseLog('Set vram state to: NO_VRAM'), 'low-vram-mode').figures).toEqual({ vramState: 'NO_VRAM' });
    expect(problemIds('Set vram state to: HIGH_VRAM\nSet vram state to: NORMAL_VRAM\nSet vram state to: SHARED')).toEqual([]);
  });

  it('reads an x86_64 wheel and a misread macOS version', () => {
    expect(problemIds('Mac Version (10, 16)')).toEqual(['x86-python']);
    expect(problemIds('Collecting torch-2.2.2-cp311-none-macosx_10_9_x86_64.whl')).toEqual(['x86-python']);
    expect(problemIds('Processor type: arm64e (ARM64E)')).toEqual([]);
  });
});

describe('hostile text', () => {
  it('keeps evidence inert: escape sequences removed, other controls shown', () => {
    const log = '2026-01-01T00:00:00Z [WARN] \u001b]0;title\u0007Set vram state to: LOW_VRAM\u001b[2J \u009b31m\u0008x';
    const finding = byId(diagnoseLog(log), 'low-vram-mode');
    expect(finding.evidence).toEqual([{ line: 1, text: '2026-01-01T00:00:00Z [WARN] Set vram state to: LOW_VRAM \\x08x' }]);
  });

  it('keeps figures read from the log inert', () => {
    const log = 'UserWarning: MPS: \u001b]0;pwned\u0007evil\u0007 upsampling is supported natively starting from macOS 13.0. Falling back on CPU.';
    const finding = byId(diagnoseLog(log), 'mps-op-fallback');
    expect(finding.figures).toEqual({ 'evil\\x07 upsampling': 1 });
    const texts = [finding.cause, ...finding.evidence.map((entry) => entry.text), ...Object.keys(finding.figures ?? {})];
    expect(texts.filter(hasControlCharacter)).toEqual([]);
    expect(finding.cause).toBe('1 op(s) have no MPS kernel here and ran on the CPU, copying tensors off the GPU and back: evil\\x07 upsampling ×1.');
  });

  it('reads only the start of a huge line, so a hostile one cannot stall the rules', () => {
    const line = 'MPS: '.repeat(20_000);
    expect(splitLogLines(line)[0]?.message.length).toBe(MAX_MESSAGE_CHARS);
    expect(diagnoseLog(`${line}\nDevice: cpu`).map((finding) => finding.id)).toEqual(['running-on-cpu']);
  });
});
