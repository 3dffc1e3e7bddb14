const LINE_EVERY_MS = 5000;

/**
 * Shows a long wait is alive: on a terminal one line rewritten in place, elsewhere (CI logs) a
 * line every few seconds. Writes to stderr directly, since Vitest buffers console output per test.
 */
export function createProgressLine(stream: NodeJS.WriteStream = process.stderr): { update(text: string): void; done(text: string): void } {
  let lastLineAt = 0;
  let lastText = '';
  return {
    update(text) {
      if (stream.isTTY) {
        stream.write(`\r\u001b[2K[comfyui-gate] ${text}`);
        lastText = text;
        return;
      }
      const now = Date.now();
      if (now - lastLineAt < LINE_EVERY_MS) return;
      lastLineAt = now;
      stream.write(`[comfyui-gate] ${text}\n`);
    },
    done(text) {
      stream.write(`${stream.isTTY && lastText !== '' ? '\r\u001b[2K' : ''}[comfyui-gate] ${text}\n`);
    },
  };
}
