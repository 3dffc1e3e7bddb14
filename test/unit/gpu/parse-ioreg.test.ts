import { describe, expect, it } from 'vitest';

import { GpuParseError } from '../../../src/gpu/gpu-parse-error.ts';
import { parseIoreg } from '../../../src/gpu/parse-ioreg.ts';
import { readGpuSample } from './gpu-fixtures.ts';

const SCALENE_LINE = 'ioreg-PerformanceStatistics-line-AppleSilicon-2021.FROM-ISSUE-scalene-302.txt';
const M1_PRO_PARTIAL = 'ioreg-r-d1-w0-c-IOAccelerator-M1Pro-t6000-macos12.6-PARTIAL.FROM-ISSUE-stats-1094.txt';
const RECEIVED_AT = 1_700_000_000_000;
const EXPECTED_COMMAND = 'Expected the output of `ioreg -r -d 1 -w 0 -c IOAccelerator`.';

describe('parseIoreg on real outputs', () => {
  it('reads the one PerformanceStatistics line from the scalene issue (no +-o entry line)', () => {
    expect(parseIoreg(readGpuSample(SCALENE_LINE), RECEIVED_AT)).toEqual({
      at: RECEIVED_AT,
      activePercent: 16,
      rendererPercent: 16,
      tilerPercent: 16,
      memoryUsedMiB: 448659456 / (1024 * 1024),
    });
  });

  it('reads the partial M1 Pro dump, whose property list is cut after 20 lines', () => {
    expect(parseIoreg(readGpuSample(M1_PRO_PARTIAL), RECEIVED_AT)).toEqual({
      at: RECEIVED_AT,
      accelerator: 'AGXAcceleratorG13X',
      activePercent: 2,
      rendererPercent: 2,
      tilerPercent: 2,
      memoryUsedMiB: 340983808 / (1024 * 1024),
    });
  });

  it('takes the busiest of several accelerators', () => {
    // Two entries the way a dual-GPU Mac lists them: the M1 Pro entry (2 %) and a second entry
    // carrying the scalene line (16 %). The class name of the second is made up.
    const text = `${readGpuSample(M1_PRO_PARTIAL)}+-o SecondAccelerator  <class SecondAccelerator, id 0x1>\n    {\n${readGpuSample(SCALENE_LINE)}    }\n`;
    expect(parseIoreg(text, RECEIVED_AT)).toMatchObject({ accelerator: 'SecondAccelerator', activePercent: 16 });
    const reversed = `+-o SecondAccelerator  <class SecondAccelerator, id 0x1>\n    {\n${readGpuSample(SCALENE_LINE)}    }\n${readGpuSample(M1_PRO_PARTIAL)}`;
    expect(parseIoreg(reversed, RECEIVED_AT)).toMatchObject({ accelerator: 'SecondAccelerator', activePercent: 16 });
  });

  it('skips an accelerator without PerformanceStatistics and reads "In use system memory", not "(driver)"', () => {
    const text =
      '+-o IntelAccelerator  <class IntelAccelerator>\n    {\n      "IOClass" = "IntelAccelerator"\n    }\n' +
      '+-o AGXAcceleratorG16G  <class AGXAcceleratorG16G>\n    {\n' +
      '      "PerformanceStatistics" = {"In use system memory (driver)"=0,"Device Utilization %"=57,"In use system memory"=1048576}\n    }\n';
    expect(parseIoreg(text, RECEIVED_AT)).toEqual({ at: RECEIVED_AT, accelerator: 'AGXAcceleratorG16G', activePercent: 57, memoryUsedMiB: 1 });
  });
});

describe('parseIoreg on garbage', () => {
  it('refuses empty input', () => {
    expect(() => parseIoreg('', RECEIVED_AT)).toThrow('no "PerformanceStatistics" with "Device Utilization %" in ioreg output; the input is empty ("")');
  });

  it('refuses an HTML page, naming the command in the hint', () => {
    try {
      parseIoreg('<html><head><title>404</title></head><body>Not Found</body></html>', RECEIVED_AT);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GpuParseError);
      expect((error as GpuParseError).message).toBe(
        'no "PerformanceStatistics" with "Device Utilization %" in ioreg output; ' +
          'the input starts with "<html><head><title>404</title></head><body>Not Found</body></html>"',
      );
      expect((error as GpuParseError).hint).toBe(EXPECTED_COMMAND);
    }
  });

  it('refuses PerformanceStatistics without "Device Utilization %" rather than guess', () => {
    expect(() => parseIoreg('"PerformanceStatistics" = {"Renderer Utilization %"=16,"Tiler Utilization %"=16}', RECEIVED_AT)).toThrow(
      'no "PerformanceStatistics" with "Device Utilization %" in ioreg output; the input starts with',
    );
  });

  it('refuses a utilization above 100 or below 0', () => {
    expect(() => parseIoreg(readGpuSample(SCALENE_LINE).replace('"Device Utilization %"=16', '"Device Utilization %"=140'), RECEIVED_AT)).toThrow(
      'Device Utilization % is 140, outside 0..100; the input starts with "      \\"PerformanceStatistics\\" = {\\"TiledSceneBytes\\"=1277952,\\"Alloc system memory\\""…',
    );
    expect(() => parseIoreg(readGpuSample(SCALENE_LINE).replace('"Tiler Utilization %"=16', '"Tiler Utilization %"=-1'), RECEIVED_AT)).toThrow(
      'Tiler Utilization % is -1, outside 0..100',
    );
  });
});
