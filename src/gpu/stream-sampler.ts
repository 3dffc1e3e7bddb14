import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { registerChild, unregisterChild } from '../processes/child-registry.ts';
import { stopGroup } from '../processes/process-group.ts';
import type { GpuSample, RecordSplitter } from './gpu-sample.ts';
import type { GpuSampler, SamplerName } from './gpu-sampler.ts';
import { GpuSamplerError } from './sampler-errors.ts';

const STOP_GRACE_MS = 1000;
const STDERR_KEEP = 2000;

export interface StreamSamplerOptions {
  readonly name: SamplerName;
  readonly file: string;
  readonly args: readonly string[];
  readonly intervalMs: number;
  readonly reportDir: string;
  /** How stdout is cut into records: `'lines'` (node:readline), or a splitter for a tool that does not print one record a line. */
  readonly records: 'lines' | RecordSplitter;
  /** Reads one record; undefined for a record that holds no sample (a CSV header). Blank records never reach it. */
  readonly parseRecord: (record: string, receivedAt: number) => GpuSample | undefined;
}

/** Reads a tool's stdout line by line (`\n` or `\r\n`), the way the stream sampler reads nvidia-smi and macmon. */
export function createLineReader(input: Readable): Interface {
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Runs a tool that prints a sample every interval (powermetrics, nvidia-smi -lms, macmon pipe) in
 * its own process group, listed in the child registry so the gate's main process can always end it.
 */
export function startStreamSampler(options: StreamSamplerOptions): GpuSampler {
  const { name, file, args, intervalMs, reportDir, records, parseRecord } = options;
  const command = [file, ...args].join(' ');
  const collected: GpuSample[] = [];
  let failure: Error | undefined;
  let stopping = false;
  let stderr = '';
  let resolveFirst: (sample: GpuSample) => void = () => undefined;
  let rejectFirst: (error: Error) => void = () => undefined;
  const first = new Promise<GpuSample>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  first.catch(() => undefined);

  const child = execa(file, [...args], { detached: true, cleanup: false, reject: false, buffer: false, stdin: 'ignore', encoding: 'utf8' }).nodeChildProcess;
  const pid = child.pid;
  if (pid !== undefined) registerChild(reportDir, pid);
  const fail = (error: Error) => {
    failure ??= error;
    rejectFirst(error);
  };
  const onRecord = (record: string) => {
    if (failure !== undefined || record.trim() === '') return;
    try {
      const sample = parseRecord(record, Date.now());
      if (sample === undefined) return;
      collected.push(sample);
      resolveFirst(sample);
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
      void stop();
    }
  };
  if (child.stdout !== null) readRecords(child.stdout, records, onRecord);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEEP)));
  child.on('error', (error) =>
    fail(new GpuSamplerError(`${name} could not be started: ${error.message}`, { hint: `is ${file} installed and on PATH?`, context: { command } })),
  );
  // 'close', not 'exit': by then stdout and stderr are drained, so the message has all the tool said.
  child.on('close', (code, signal) => {
    if (pid !== undefined) unregisterChild(reportDir, pid);
    if (stopping) return;
    const how = signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
    const said = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
    fail(
      new GpuSamplerError(`${name} stopped with ${how} after ${collected.length} sample(s)${said}`, {
        hint: `run \`${command}\` by hand to see why`,
        context: { command, samples: collected.length },
      }),
    );
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      await stopGroup(child, STOP_GRACE_MS);
      if (pid !== undefined) unregisterChild(reportDir, pid);
    })());

  return {
    name,
    command,
    intervalMs,
    samples: () => collected,
    firstSample: () => first,
    failure: () => failure,
    stop,
  };
}

// Hands each record of the tool's stdout to `onRecord` as soon as it is complete.
function readRecords(stdout: Readable, records: StreamSamplerOptions['records'], onRecord: (record: string) => void): void {
  if (records === 'lines') {
    createLineReader(stdout).on('line', (line: string) => {
      // After stdout ends, readline hands over a line the tool never finished: it died mid-line, and its exit is what gets reported.
      if (!stdout.readableEnded) onRecord(line);
    });
    return;
  }
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => {
    for (const record of records.push(chunk)) onRecord(record);
  });
}
