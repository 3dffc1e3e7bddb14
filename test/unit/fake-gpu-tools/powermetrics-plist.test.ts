import { afterEach, describe, expect, it } from 'vitest';
import { killAllFakes, readFixture, runFake, startFake, terminate } from './fake-process.ts';
import { getArrayValues, getKeys, getSkeleton, getValues, isWellFormed } from './plist-record.ts';

const PLIST_ARGS = ['--samplers', 'gpu_power', '-i', '250', '-f', 'plist'];
const FAST_PLIST_ARGS = ['--samplers', 'gpu_power', '-i', '100', '-f', 'plist'];
const REAL_RECORDS = readFixture('gpu-samples/powermetrics-plist-gpu_power-Mac16-8-macos15.5-5samples-NULsep.plist').split('\0');
const REAL_RECORD = REAL_RECORDS[0] ?? '';
/** idle_ratio of samples 1..8 in active mode: 1 - [72, 88, 95, 61, 83, 90, 67, 78] / 100. */
const ACTIVE_IDLE_RATIOS = ['0.28', '0.12', '0.05', '0.39', '0.17', '0.1', '0.33', '0.22'];
const AS_ROOT = { FAKE_GPU_ROOT: '1' };

const countRecords = (stdout: string) => stdout.split('</plist>\n').length - 1;

afterEach(killAllFakes);

describe('fake powermetrics -f plist', () => {
  it('writes one record per interval, the first after one interval, until SIGTERM ends it', async () => {
    const fake = startFake('powermetrics', PLIST_ARGS, AS_ROOT);
    await fake.waitForStdout('5 plist records', (stdout) => countRecords(stdout) >= 5, 4000);
    const { exit, tookMs } = await terminate(fake);

    const arrivals: number[] = [];
    let text = '';
    for (const chunk of fake.chunks) {
      text += chunk.text;
      while (arrivals.length < countRecords(text)) {
        arrivals.push(chunk.at);
      }
    }
    expect(arrivals[0]! - fake.startedAt).toBeGreaterThanOrEqual(250);
    arrivals.slice(1).forEach((at, index) => {
      expect(at - arrivals[index]!).toBeGreaterThan(100);
      expect(at - arrivals[index]!).toBeLessThan(400);
    });
    // The schedule is absolute, so 4 intervals span 1000 ms whatever the jitter of single timers.
    expect(arrivals[4]! - arrivals[0]!).toBeGreaterThan(850);
    expect(arrivals[4]! - arrivals[0]!).toBeLessThan(1150);
    expect(exit.signal).toBe('SIGTERM');
    expect(tookMs).toBeLessThan(500);
  });

  it('keeps the real record byte-for-byte apart from values, NUL-separated like the real file', async () => {
    const result = await runFake('powermetrics', [...FAST_PLIST_ARGS, '-n', '3'], AS_ROOT);

    expect(result.code).toBe(0);
    const records = result.stdout.split('\0');
    expect(records).toHaveLength(3);
    expect(result.stdout.endsWith('</plist>\n')).toBe(true);
    for (const record of records) {
      expect(isWellFormed(record)).toBe(true);
      expect(getKeys(record)).toEqual(getKeys(REAL_RECORD));
      expect(getSkeleton(record)).toBe(getSkeleton(REAL_RECORD));
      expect(getValues(record, 'hw_model')).toEqual(['Mac16,8']);
      expect(getValues(record, 'kern_boottime')).toEqual(getValues(REAL_RECORD, 'kern_boottime'));
      expect(getValues(record, 'freq')).toEqual(getValues(REAL_RECORD, 'freq'));
    }
  });

  it('cycles active idle ratios and keeps every derived field consistent', async () => {
    const before = Date.now();
    const result = await runFake('powermetrics', [...FAST_PLIST_ARGS, '-n', '4'], AS_ROOT);
    const records = result.stdout.split('\0');

    expect(records.map((record) => getValues(record, 'idle_ratio'))).toEqual(ACTIVE_IDLE_RATIOS.slice(0, 4).map((ratio) => [ratio, ratio]));
    for (const record of records) {
      const elapsedNs = Number(getValues(record, 'elapsed_ns')[0]);
      const [idleNs, secondIdleNs] = getValues(record, 'idle_ns').map(Number);
      const usedNs = getArrayValues(record, 'dvfm_states', 'used_ns');
      const activeNs = usedNs.reduce((sum, ns) => sum + ns, 0);
      const timestamp = Date.parse(getValues(record, 'timestamp')[0] ?? '');

      expect(elapsedNs).toBeGreaterThan(50e6);
      expect(elapsedNs).toBeLessThan(200e6);
      expect(secondIdleNs).toBe(idleNs);
      expect(idleNs! + activeNs).toBe(elapsedNs);
      expect(getArrayValues(record, 'sw_state', 'used_ns')).toEqual(usedNs);
      expect(getArrayValues(record, 'sw_requested_state', 'used_ratio').reduce((sum, ratio) => sum + ratio, 0)).toBeCloseTo(1, 4);
      expect(getValues(record, 'freq_hz')).toEqual(['1466.08']);
      // 18 W at full load, scaled by busy share, over the sample's elapsed time, in mJ.
      const busy = 1 - Number(getValues(record, 'idle_ratio')[0]);
      expect(Number(getValues(record, 'gpu_energy')[0])).toBeCloseTo(18_000 * busy * (elapsedNs / 1e9), -1);
      expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(timestamp).toBeLessThanOrEqual(Date.now());
    }
  });

  it('reports an idle GPU in flat mode', async () => {
    const result = await runFake('powermetrics', [...FAST_PLIST_ARGS, '-n', '2'], { ...AS_ROOT, FAKE_GPU_MODE: 'flat' });

    for (const record of result.stdout.split('\0')) {
      expect(getValues(record, 'idle_ratio')).toEqual(['1', '1']);
      expect(getValues(record, 'idle_ns')).toEqual([getValues(record, 'elapsed_ns')[0], getValues(record, 'elapsed_ns')[0]]);
      expect(new Set(getValues(record, 'used_ns'))).toEqual(new Set(['0']));
      expect(getValues(record, 'freq_hz')).toEqual(['0']);
      expect(getValues(record, 'gpu_energy')).toEqual(['0']);
    }
  });

  it('stays flat until FAKE_GPU_ACTIVE_AFTER_MS, then goes active', async () => {
    const args = ['--samplers', 'gpu_power', '-i', '200', '-f', 'plist', '-n', '4'];
    const result = await runFake('powermetrics', args, { ...AS_ROOT, FAKE_GPU_ACTIVE_AFTER_MS: '550' });
    const ratios = result.stdout.split('\0').map((record) => getValues(record, 'idle_ratio')[0]);

    // Samples at ~200 and ~400 ms are flat; ~600 and ~800 ms are active samples 3 and 4 of the cycle.
    expect(ratios).toEqual(['1', '1', ACTIVE_IDLE_RATIOS[2], ACTIVE_IDLE_RATIOS[3]]);
  });
});
