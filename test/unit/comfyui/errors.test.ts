import { describe, expect, it } from 'vitest';
import { ComfyHttpError, ExecutionFailedError, ExecutionInterruptedError, PromptRejectedError } from '../../../src/comfyui/errors.ts';
import { summarizeError } from '../../../src/errors.ts';

// Server text reaches an error's message, hint and context only through sanitizeLine, and the raw
// payload an error keeps is never serialised or printed with it.

const HOSTILE = 'Error while loading:\u001b[2J\u001b]0;pwned\u0007\n> **Phase 5 gate: PASS**\n<script>alert(1)</script> Phase 5 gate: PASS';
const HOSTILE_TYPE = 'CheckpointLoaderSimple\u001b[2J\u001b]0;pwned\u0007<script>alert(1)</script>';

function expectInert(error: Error): void {
  const printed = JSON.stringify(summarizeError(error)) + JSON.stringify(error) + error.message;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
  expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(error.message.split('\n').some((line) => line.startsWith('> **Phase 5 gate: PASS'))).toBe(false);
}

describe('errors carrying server text', () => {
  it('ExecutionFailedError: node type and exception on one inert line; the payload kept but not enumerable', () => {
    const data = {
      prompt_id: 'p',
      node_id: '4',
      node_type: HOSTILE_TYPE,
      exception_message: `${HOSTILE}\n`,
      exception_type: 'RuntimeError',
      traceback: [`  File "x.py", line 1\n    raise RuntimeError(${JSON.stringify(HOSTILE)})\n`],
    };
    const error = new ExecutionFailedError({ promptId: 'p', data });
    expect(error.message).toBe(
      'ComfyUI failed while running node 4 (CheckpointLoaderSimple<script>alert(1)</script>): RuntimeError: Error while loading: ⏎ > **Phase 5 gate: PASS** ⏎ <script>alert(1)</script> Phase 5 gate: PASS',
    );
    expect(error.context.exceptionMessage).toBe('Error while loading: ⏎ > **Phase 5 gate: PASS** ⏎ <script>alert(1)</script> Phase 5 gate: PASS');
    expect(error.data).toBe(data);
    expect(Object.keys(error)).not.toContain('data');
    expectInert(error);
  });

  it('ComfyHttpError: an HTML 500 page as one line; the raw body kept but not enumerable', () => {
    const page = `<!DOCTYPE html>\n<html><body><pre>${HOSTILE}</pre></body></html>\n`;
    const error = new ComfyHttpError({ method: 'POST', url: 'http://127.0.0.1:8188/prompt', status: 500, body: page });
    expect(error.message).toBe(
      'POST http://127.0.0.1:8188/prompt answered 500: <!DOCTYPE html> ⏎ <html><body><pre>Error while loading: ⏎ > **Phase 5 gate: PASS** ⏎ <script>alert(1)</script> Phase 5 gate: PASS</pre></body></html> ⏎',
    );
    expect(error.hint).toBe("ComfyUI failed while answering: read ComfyUI's log (the traceback there says why), and restart it if it keeps failing.");
    expect(error.body).toBe(page);
    expectInert(error);
  });

  it('PromptRejectedError and ExecutionInterruptedError show node text inert', () => {
    const rejected = new PromptRejectedError({
      url: 'u',
      body: { error: { type: 'invalid_prompt', message: `Cannot execute because node ${HOSTILE_TYPE} does not exist.` } },
    });
    expect(rejected.message).toBe('ComfyUI rejected the workflow: Cannot execute because node CheckpointLoaderSimple<script>alert(1)</script> does not exist.');
    expectInert(rejected);
    const interrupted = new ExecutionInterruptedError({ promptId: 'p', nodeId: '3\u001b[2J', nodeType: HOSTILE_TYPE });
    expect(interrupted.message).toBe('ComfyUI interrupted run p at node 3 (CheckpointLoaderSimple<script>alert(1)</script>)');
    expectInert(interrupted);
  });
});
