import { createFinding, findLines, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';

// Context, not problems: the device ComfyUI chose and the versions it printed.

const ON_MPS = [/^(?:Using\s+)?Device:\s*mps\b/i, /\bSet\s+vram\s+state\s+to:\s*SHARED\b/i, /^(?:Device\s+)?Type\s*[:|]\s*mps\b|"type"\s*:\s*"mps"/i];
const SHARED = /\bSet\s+vram\s+state\s+to:\s*SHARED\b/i;

// Each version as ComfyUI (startup, System Information item or table, /system_stats), the
// Manager's banner ("### ComfyUI Revision: 2011 [10847dfa]"), or collect_env prints it.
const LEAD = '^[#*\\s]*';
const VERSIONS: readonly (readonly [string, RegExp])[] = [
  ['pytorch', new RegExp(`${LEAD}(?:py)?torch\\s+version\\s*[:|]\\s*(\\S+)|"pytorch_version"\\s*:\\s*"([^"]+)"`, 'i')],
  ['comfyui', new RegExp(`${LEAD}ComfyUI\\s+(?:version\\s*[:|]\\s*v?(\\S+)|(revision\\s*[:|]\\s*\\S+))|"comfyui_version"\\s*:\\s*"([^"]+)"`, 'i')],
  ['macos', /\bMac\s+Version\s*\(\s*([\d,\s]+?)\s*\)|^OS:\s*macOS\s+([\d.]+)/i],
  ['python', new RegExp(`${LEAD}Python\\s+version\\s*[:|]\\s*(\\d+\\.\\d+(?:\\.\\d+)?)|"python_version"\\s*:\\s*"(\\d+\\.\\d+(?:\\.\\d+)?)`, 'i')],
];
const LABELS: Readonly<Record<string, string>> = { pytorch: 'PyTorch', comfyui: 'ComfyUI', macos: 'macOS', python: 'Python' };

/** The version a message shows for `name`, normalised ("15, 1, 1" → "15.1.1", "Revision: 2011" → "revision 2011"). */
function readVersion(name: string, pattern: RegExp, message: string): string | undefined {
  const value = pattern
    .exec(message)
    ?.slice(1)
    .find((group) => group !== undefined);
  if (value === undefined) return undefined;
  if (name === 'macos') return value.replace(/\s*,\s*/g, '.');
  return value.replace(/^revision\s*[:|]\s*/i, 'revision ');
}

/** ComfyUI chose the Apple GPU: "Device: mps", vram state SHARED, or an mps device in System Information. */
export function findHealthyMps(lines: readonly LogLine[]): Finding | undefined {
  const matched = findLines(lines, ON_MPS);
  if (matched.length === 0) return undefined;
  const shared = lines.some((line) => SHARED.test(line.message));
  return createFinding(
    {
      id: 'healthy-mps',
      severity: 'info',
      title: 'ComfyUI used the Apple GPU (MPS)',
      cause: `ComfyUI chose the MPS device${shared ? ' with shared memory (vram state SHARED)' : ''}.`,
      fix: '',
    },
    matched,
  );
}

/** The first PyTorch, ComfyUI, macOS and Python versions the log shows. */
export function findVersions(lines: readonly LogLine[]): Finding | undefined {
  const figures: Record<string, string> = {};
  const evidence: LogLine[] = [];
  // The last start-up in the log is the server that ran: a log may hold several.
  for (const [name, pattern] of VERSIONS) {
    for (const line of [...lines].reverse()) {
      const value = readVersion(name, pattern, line.message);
      if (value === undefined) continue;
      figures[name] = logFigure(value);
      evidence.push(line);
      break;
    }
  }
  if (evidence.length === 0) return undefined;
  const listed = Object.entries(figures).map(([name, value]) => `${LABELS[name] ?? name} ${value}`);
  return createFinding(
    { id: 'versions', severity: 'info', title: 'Versions in the log', cause: `The log shows ${listed.join(', ')}.`, fix: '' },
    evidence,
    figures,
  );
}
