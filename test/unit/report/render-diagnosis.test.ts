import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/report/read-run-diagnosis.ts';
import { explainWithDiagnosis, renderDiagnosisHints, renderDiagnosisSection, renderDiagnosisTerminal } from '../../../src/report/render-diagnosis.ts';
import { renderBenchmarkMarkdown } from '../../../src/report/render-markdown.ts';
import type { BenchmarkReport } from '../../../src/truths/benchmark-report.ts';
import { PASSING_REPORT } from './sample-report.ts';

const OOM_LOG = [
  'got prompt',
  '!!! Exception during processing !!! MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit for memory allocations (may cause system failure).',
].join('\n');

function withDiagnosis(text: string): BenchmarkReport {
  return { ...PASSING_REPORT, phaseVerdict: 'FAIL', diagnosis: diagnose('the ComfyUI log reports/comfyui.log', text) };
}

describe('the Diagnosis section', () => {
  it('quotes the finding with its figures, fix and evidence', () => {
    const section = renderDiagnosisSection(withDiagnosis(OOM_LOG));
    expect(section).toContain('From the ComfyUI log reports/comfyui.log, 2 lines:');
    expect(section).toMatch(/^- \*\*BLOCKS\*\* `mps-out-of-memory` /m);
    expect(section).toContain('8.72 GB');
    expect(section).toMatch(/^ {2}- Fix: /m);
    expect(section).toMatch(/^ {2}- Line 2: !!! Exception during processing !!! MPS backend out of memory/m);
  });

  it('comes right after the verdict and feeds the What to do list', () => {
    const markdown = renderBenchmarkMarkdown(withDiagnosis(OOM_LOG));
    expect(markdown.indexOf('## Diagnosis')).toBeGreaterThan(markdown.indexOf('## Verdict'));
    expect(renderDiagnosisHints(withDiagnosis(OOM_LOG))[0]).toMatch(/^- .*\(`mps-out-of-memory`\): /);
  });

  it('says plainly when a healthy log explains nothing', () => {
    expect(renderDiagnosisSection(withDiagnosis('Device: mps\nSet vram state to: SHARED'))).toContain(
      'No known cause of failure or slowness found (read: the ComfyUI log reports/comfyui.log, 2 lines).',
    );
  });

  it('prints findings in the terminal as the gate own, sanitised lines', () => {
    const lines = renderDiagnosisTerminal(withDiagnosis(`${OOM_LOG}\u001b]0;pwned\u0007`), '[comfyui-gate]');
    expect(lines[0]).toMatch(/^\[comfyui-gate\] {3}BLOCKS mps-out-of-memory: /);
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('replaces the watchdog guess with the CPU evidence when the log shows --cpu', () => {
    const report = withDiagnosis('Starting server\n** ComfyUI startup time: 2024\nSet vram state to: DISABLED\nDevice: cpu\npython main.py --cpu');
    expect(explainWithDiagnosis(report, 'GPU idle for 30 s after queueing: ComfyUI is not using the GPU (CPU fallback?)')).toMatch(
      /^GPU idle for 30 s after queueing: ComfyUI is not using the GPU \(ComfyUI runs on the CPU \(log line \d+: .+\)\)$/,
    );
  });
});
