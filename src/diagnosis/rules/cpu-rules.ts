import { createFinding, findLines, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';
import { findLaunchFlags } from '../launch-flags.ts';

// Where the CPU does the work the Apple GPU should.

const ON_CPU = {
  device: /^(?:Using\s+)?Device:\s*cpu\b/i, // startup: "Device: cpu" (anchored: "offload device: cpu" is normal)
  disabled: /\bSet\s+vram\s+state\s+to:\s*DISABLED\b/i, // ComfyUI's vram state when it runs on the CPU
  sysinfo: /^(?:Device\s+)?Type\s*[:|]\s*cpu\b|"type"\s*:\s*"cpu"/i, // System Information item/table row, /system_stats JSON
} as const;

// x86_64 signs, as the evidence shows them: Python's platform string under Rosetta
// ("macOS-10.16-x86_64-i386-64bit"), collect_env's "OS: macOS 15.3 (x86_64)", Crystools'
// "Arch: x86_64", an x86_64 wheel tag, and ComfyUI's "Mac Version (10, 16)" (mac_ver() under Rosetta).
const X86: readonly RegExp[] = [
  /\bmacOS-[\d.]+-x86_64\b/i,
  /\bmacOS\s+[\d.]+\s*\(x86_64\)/i,
  /\b(?:arch|architecture|machine|platform\.machine\(\))\s*[:=|]\s*['"]?(?:x86_64|i386)\b/i,
  /\bmacosx_\d+_\d+_x86_64\b/i,
  /\bMac\s+Version\s*\(\s*10,\s*16\s*\)/i,
];
const APPLE_CHIP = /\bApple\s+M\d+(?:\s+(?:Pro|Max|Ultra))?\b/;
const INTEL_CPU = /\bIntel\(R\)[^@\n]*?(?=\s+CPU\b|\s*@|\s+-\s|$)/;

/** ComfyUI ran on the CPU: `--cpu`, "Device: cpu", vram state DISABLED, or a cpu device in System Information. */
export function findRunningOnCpu(lines: readonly LogLine[]): Finding | undefined {
  const flag = findLaunchFlags(lines, ['--cpu']);
  const seen = [
    flag.length > 0 ? 'the --cpu argument' : '',
    lines.some((line) => ON_CPU.device.test(line.message)) ? '"Device: cpu" at startup' : '',
    lines.some((line) => ON_CPU.disabled.test(line.message)) ? 'vram state DISABLED' : '',
    lines.some((line) => ON_CPU.sysinfo.test(line.message)) ? 'a cpu device in the system information' : '',
  ].filter((text) => text !== '');
  if (seen.length === 0) return undefined;
  return createFinding(
    {
      id: 'running-on-cpu',
      severity: 'blocks',
      title: 'ComfyUI ran on the CPU',
      cause: `ComfyUI ran its models on the CPU, not the Apple GPU (seen: ${seen.join(', ')}).`,
      fix:
        'Remove --cpu from the launch arguments; if ComfyUI chose the CPU itself, check that ' +
        'python -c "import torch; print(torch.backends.mps.is_available())" prints True in its Python (arm64 Python, macOS 12.3 or newer).',
    },
    [...flag, ...findLines(lines, Object.values(ON_CPU))],
  );
}

// Severity slows, not blocks: the evidence shows MPS still working from an x86_64 Python (the
// Rosetta report's is_macos_or_newer(13, 0) is True; the Intel Mac log says "Device: mps"), so a
// run can finish. What it costs: CPU-side work is translated, PyTorch reads macOS as 10.16 and
// refuses newer MPS features (bfloat16), and x86_64 macOS wheels stop at PyTorch 2.2.2. When that
// does stop a run, the blocking symptom (dtype, cpu device) has its own finding.
/** An x86_64 Python: under Rosetta on Apple Silicon, or an Intel Mac. */
export function findX86Python(lines: readonly LogLine[]): Finding | undefined {
  const matched = findLines(lines, X86);
  if (matched.length === 0) return undefined;
  const apple = lines.map((line) => APPLE_CHIP.exec(line.message)?.[0]).find((chip) => chip !== undefined);
  const intel = lines.map((line) => INTEL_CPU.exec(line.message)?.[0]).find((chip) => chip !== undefined);
  const cpu = apple ?? intel;
  const cause =
    apple !== undefined
      ? `Python is an x86_64 build running under Rosetta on an ${logFigure(apple)}: PyTorch then reads macOS as 10.16, refuses newer MPS features such as bfloat16, and gets no x86_64 wheels after 2.2.2.`
      : intel !== undefined
        ? `This is an Intel Mac (${logFigure(intel)}), not Apple Silicon: x86_64 PyTorch for macOS stops at 2.2.2 and the gate's budgets are for Apple GPUs.`
        : 'Python is an x86_64 build; on Apple Silicon it runs under Rosetta, where PyTorch reads macOS as 10.16, refuses newer MPS features such as bfloat16, and gets no wheels after 2.2.2.';
  const fix =
    apple === undefined && intel !== undefined
      ? 'Run the gate on an Apple Silicon Mac; this machine is limited to PyTorch 2.2.2.'
      : 'Install an arm64 Python (python.org installer or Homebrew in /opt/homebrew), recreate the venv and reinstall PyTorch; python -c "import platform; print(platform.machine())" must print arm64.';
  return createFinding(
    { id: 'x86-python', severity: 'slows', title: 'x86_64 Python, not arm64', cause, fix },
    matched,
    cpu === undefined ? undefined : { cpu: logFigure(cpu) },
  );
}
