import { readFile, stat } from 'node:fs/promises';
import { describeTooLarge, DIAGNOSE_USAGE, MAX_LOG_BYTES, parseDiagnoseArgs } from '../src/diagnosis/diagnose-args.ts';
import { diagnoseLog, hasBlockingFinding } from '../src/diagnosis/diagnose-log.ts';
import { formatDiagnosis, toFindingsJson } from '../src/diagnosis/format-findings.ts';
import { splitLogLines } from '../src/diagnosis/log-lines.ts';
import { sanitizeLine } from '../src/text/sanitize.ts';

// `npm run diagnose -- [--json] <log file | ->`: says why a Mac run failed or was slow, from a
// ComfyUI log. Exit 0 when nothing blocks, 1 when something does, 2 when the log cannot be read.

const EXIT_USAGE = 2;

/** The log's text, or why it cannot be read (said to the user as is). */
type ReadResult = { readonly text: string } | { readonly problem: string };

async function readSource(source: string): Promise<ReadResult> {
  if (source === '-') return readStdin();
  const shown = sanitizeLine(source);
  try {
    const info = await stat(source);
    if (!info.isFile()) return { problem: `not a file: ${shown}` };
    if (info.size > MAX_LOG_BYTES) return { problem: describeTooLarge(shown, info.size) };
    return { text: await readFile(source, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `no such file: ${shown}` : `cannot read ${shown} (${code ?? String(error)})` };
  }
}

async function readStdin(): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > MAX_LOG_BYTES) return { problem: describeTooLarge('stdin', bytes) };
    chunks.push(buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}

async function main(): Promise<number> {
  const args = parseDiagnoseArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    console.log(DIAGNOSE_USAGE);
    return 0;
  }
  if (args.kind === 'usage-error') {
    console.error(`diagnose: ${sanitizeLine(args.message)}\n${DIAGNOSE_USAGE}`);
    return EXIT_USAGE;
  }
  const read = await readSource(args.source);
  if ('problem' in read) {
    console.error(`diagnose: ${read.problem}`);
    return EXIT_USAGE;
  }
  const { text } = read;
  const findings = diagnoseLog(text);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(toFindingsJson(findings))}\n`);
  } else {
    const name = args.source === '-' ? 'stdin' : sanitizeLine(args.source);
    console.log(formatDiagnosis(name, splitLogLines(text).length, findings).join('\n'));
  }
  return hasBlockingFinding(findings) ? 1 : 0;
}

process.exitCode = await main();
