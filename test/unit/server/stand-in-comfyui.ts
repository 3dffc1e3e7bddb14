import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerPlan } from '../../../src/config/gate-config.ts';

// A ComfyUI folder whose venv/bin/python is a small Node script: the gate spawns it exactly as it
// would spawn Python (`python main.py --force-fp16 --listen 127.0.0.1 --port <port>` in the
// folder), and the script plays one way a boot can go. Each writes its pid to `pid` in the folder.

export type BootPlan = Extract<ServerPlan, { mode: 'boot' }>;

/** What every stand-in starts with: the port from argv, and its pid on disk for the test. */
const PRELUDE = `
const fs = require('node:fs');
const http = require('node:http');
const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1]);
fs.writeFileSync('pid', String(process.pid));
`;

/** Listens after 200 ms, then says so the way ComfyUI does; /system_stats echoes how it was launched. */
export const LISTENS_AFTER_200_MS = `
console.log('Total VRAM 16384 MB, total RAM 16384 MB');
console.log('Device: mps');
setTimeout(() => {
  const stats = {
    system: { argv, cwd: process.cwd(), pgid: Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2]),
      env: { PYTORCH_ENABLE_MPS_FALLBACK: process.env.PYTORCH_ENABLE_MPS_FALLBACK, PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED } },
    devices: [{ name: 'mps', type: 'mps', index: null }],
  };
  http.createServer((request, response) => {
    if (request.url === '/system_stats') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    else response.writeHead(404).end();
  }).listen(port, '127.0.0.1', () => {
    console.log('Starting server\\n');
    console.log('To see the GUI go to: http://127.0.0.1:' + port);
  });
}, 200);
`;

/** Dies at import time, as ComfyUI does in a venv without torch. */
export const TRACEBACK_LINES = [
  'Traceback (most recent call last):',
  '  File "/Users/me/tools/ComfyUI/main.py", line 80, in <module>',
  '    import torch',
  "ModuleNotFoundError: No module named 'torch'",
];
export const EXITS_WITH_TRACEBACK = `
console.log('Prestartup times for custom nodes:');
console.error(${JSON.stringify(TRACEBACK_LINES.join('\n'))});
process.exitCode = 1;
`;

/** Keeps running and never opens its port. */
export const NEVER_LISTENS = `
console.log('Loading checkpoint: anything-v5-PrtRE.safetensors');
setInterval(() => undefined, 1000);
`;

/** Creates `<root>/<name>` as a ComfyUI folder whose python runs `behaviour`; returns its boot plan. */
export function createStandIn(root: string, name: string, behaviour: string, port: number, readyTimeoutMs = 10_000): BootPlan {
  const dir = join(root, name);
  mkdirSync(join(dir, 'venv', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'main.py'), '# not run: venv/bin/python is a Node stand-in\n');
  const python = join(dir, 'venv', 'bin', 'python');
  writeFileSync(python, `#!/usr/bin/env node\n${PRELUDE}${behaviour}`);
  chmodSync(python, 0o755);
  return {
    mode: 'boot',
    dir,
    python,
    args: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', String(port)],
    env: { PYTORCH_ENABLE_MPS_FALLBACK: '1' },
    url: `http://127.0.0.1:${port}`,
    port,
    readyTimeoutMs,
  };
}

/** The pid the stand-in wrote, or undefined when it never started. */
export function readStandInPid(plan: BootPlan): number | undefined {
  try {
    return Number(readFileSync(join(plan.dir, 'pid'), 'utf8'));
  } catch {
    return undefined;
  }
}
