import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sendRequest } from '../comfyui/http-request.ts';
import { diagnoseLog } from '../diagnosis/diagnose-log.ts';
import type { Finding } from '../diagnosis/finding.ts';
import type { SetupRecord } from '../run-record/run-state.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';

/** How much of a log the diagnosis reads: its end, where a failed run's cause is. */
const MAX_LOG_BYTES = 8 * 1024 * 1024;
const LOGS_TIMEOUT_MS = 5000;

type Diagnosis = NonNullable<BenchmarkReport['diagnosis']>;

/** Diagnoses a log text; `measured` are findings from measurements during the run. */
export function diagnose(source: string, text: string, measured: readonly Finding[] = []): Diagnosis {
  const findings = [...diagnoseLog(text), ...measured];
  const order = { blocks: 0, slows: 1, info: 2 } as const;
  return { source, lineCount: text === '' ? 0 : text.split(/\r\n?|\n/).length, findings: findings.sort((a, b) => order[a.severity] - order[b.severity]) };
}

/** The diagnosis of a booted ComfyUI's log file (synchronous: it also serves the report written on Ctrl-C). */
export function readLogFileDiagnosis(logPath: string, measured: readonly Finding[] = []): Diagnosis {
  try {
    return diagnose(`the ComfyUI log ${logPath}`, readTail(logPath), measured);
  } catch (error) {
    return {
      source: `the ComfyUI log ${logPath} could not be read (${sanitizeLine(error instanceof Error ? error.message : error, 200)})`,
      findings: [...measured],
    };
  }
}

/** The diagnosis of the run: the log file in boot mode, the attached server's /internal/logs otherwise. */
export async function readRunDiagnosis(setup: SetupRecord | undefined, measured: readonly Finding[] = []): Promise<Diagnosis | undefined> {
  if (setup === undefined) return undefined;
  if (setup.logPath !== undefined) return readLogFileDiagnosis(setup.logPath, measured);
  if (setup.mode !== 'attach' || setup.url === '') return undefined;
  const url = `${setup.url}/internal/logs`;
  try {
    const response = await sendRequest('GET', url, { timeoutMs: LOGS_TIMEOUT_MS, maxBytes: MAX_LOG_BYTES });
    const body: unknown = response.status === 200 ? JSON.parse(response.body.toString('utf8')) : undefined;
    if (typeof body !== 'string') return { source: `${url} (answered HTTP ${response.status} without a log)`, findings: [...measured] };
    return diagnose(`the attached server's log (${url})`, body, measured);
  } catch (error) {
    return { source: `${url} could not be read (${sanitizeLine(error instanceof Error ? error.message : error, 200)})`, findings: [...measured] };
  }
}

function readTail(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, MAX_LOG_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
