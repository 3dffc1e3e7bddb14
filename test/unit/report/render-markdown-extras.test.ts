import { describe, expect, it } from 'vitest';
import { renderBenchmarkMarkdown } from '../../../src/report/render-markdown.ts';
import type { BenchmarkReport } from '../../../src/truths/benchmark-report.ts';
import { getSection } from './markdown-helpers.ts';
import { PASSING_REPORT } from './sample-report.ts';

const render = (report: BenchmarkReport, trendChartFile?: string): string =>
  renderBenchmarkMarkdown(report, { timeZone: 'UTC', ...(trendChartFile === undefined ? {} : { trendChartFile }) });

describe('renderBenchmarkMarkdown: extra sections', () => {
  const markdown = render(PASSING_REPORT, '05-trend.svg');

  it('lists per-node timings, their total and the server and client times', () => {
    expect(getSection(markdown, '## Timings')).toEqual([
      '| Phase | Node | Class | Seconds |',
      '| --- | --- | --- | ---: |',
      '| checkpoint load | 4 | CheckpointLoaderSimple | 1.20 |',
      '| text encode | 6 | CLIPTextEncode | 0.20 |',
      '| text encode | 7 | CLIPTextEncode | 0.05 |',
      '| latent | 5 | EmptyLatentImage | 0.01 |',
      '| sampling | 3 | KSampler | 45.10 |',
      '| decode | 8 | VAEDecode | 0.45 |',
      '| save | 9 | SaveImage | 0.11 |',
      '| **total** | | | **47.12** |',
      '',
      '- Server elapsed (execution_start → execution_success): 47.12 s',
      '- Client elapsed (submit → finished): 47.31 s',
      '- Difference (client − server): 190 ms',
      '- Steps per second: 0.44',
      '- Run followed via: websocket',
      '- Server ready after: 14.14 s',
    ]);
  });

  it('escapes a pipe inside a table cell', () => {
    const piped = render({
      ...PASSING_REPORT,
      benchmark: { ...PASSING_REPORT.benchmark, nodes: [{ id: '3', classType: 'A|B', role: 'sampling', seconds: 1 }] },
    });
    expect(piped.split('\n')).toContain('| sampling | 3 | A\\|B | 1.00 |');
  });

  it('describes the GPU measurement and embeds its chart', () => {
    expect(getSection(markdown, '## GPU activity')).toEqual([
      '- Sampler: powermetrics — sudo -n powermetrics is allowed on this Mac',
      '- Interval: 500 ms',
      '- Samples during generation: 94',
      '- Active samples (above 5 %): 93',
      '- Peak: 97.1 %',
      '- Mean: 89.5 %',
      '- Mean power: 14.5 W',
      '- Threshold: 5 % (a sample above it counts as active)',
      '',
      '![GPU activity during generation](05-gpu-activity.svg)',
    ]);
  });

  it('describes the image and the install checks', () => {
    expect(getSection(markdown, '## Image')).toEqual([
      '- Path: `reports/05-benchmark_00001_.png`',
      '- Size: 512 x 512',
      '- Mean luma: 118.4; std-dev luma: 52.7',
    ]);
    expect(getSection(markdown, '## Install checks')).toEqual([
      '**Checkpoint (INFRA-02):**',
      '- Path: `/Users/dev/tools/ComfyUI/models/checkpoints/anything-v5-PrtRE.safetensors`',
      '- Size: 2.13 GB (2,132,625,894 bytes)',
      '- SHA-256: 7f96a1a9ca9b3a3242a9ae95d19284f0d2da8d5282b42d2d974398bf7663a252',
      '- Tensors: 1,131',
      '',
      '**kohya_ss (INFRA-03):**',
      '- Accelerate config: `/Users/dev/.cache/huggingface/accelerate/default_config.yaml`',
      '- mixed_precision: no',
      '- Python: 3.10.14',
      '',
      '**Custom nodes (INFRA-05):**',
      '- Found: ComfyUI-Manager, comfyui_controlnet_aux, body_pose_model.pth',
      '- Missing: none',
    ]);
  });

  it('compares with the previous and the best run and embeds the trend chart', () => {
    expect(getSection(markdown, '## History')).toEqual([
      '- Previous run (2026-02-18 09:12:00 UTC, run 20260218-101200-a1b2): 48.90 s — this run is 3.3 % faster',
      '- Best run (2026-02-17 15:30:00 UTC, run 20260217-163000-c3d4): 46.80 s — this run is 1.1 % slower',
      '',
      '| Run | Date | Device | Elapsed (s) | Steps/s | Phase 5 gate |',
      '| --- | --- | --- | ---: | ---: | --- |',
      '| 20260216-090000-e5f6 | 2026-02-16 08:00:00 UTC | mps | 52.40 | 0.40 | PASS |',
      '| 20260217-163000-c3d4 | 2026-02-17 15:30:00 UTC | mps | 46.80 | 0.45 | PASS |',
      '| 20260217-180000-f7a8 | 2026-02-17 17:00:00 UTC | mps | n/a (did not finish) | n/a (not recorded) | FAIL |',
      '| 20260218-101200-a1b2 | 2026-02-18 09:12:00 UTC | mps | 48.90 | 0.43 | PASS |',
      '',
      '![Elapsed seconds over the last runs](05-trend.svg)',
    ]);
  });

  it('says so when there is no earlier run', () => {
    expect(getSection(render({ ...PASSING_REPORT, history: { trend: [] } }), '## History')).toEqual([
      '- Previous run: n/a (no earlier run was recorded)',
      '- Best run: n/a (no earlier run was recorded)',
      '',
      'No earlier runs were recorded.',
    ]);
  });
});
