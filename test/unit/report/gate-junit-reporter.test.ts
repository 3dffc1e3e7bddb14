import { describe, expect, it } from 'vitest';
import type { SetupRecord } from '../../../src/run-record/run-state';
import { renderSetupFailureXml } from '../../../src/report/gate-junit-reporter';

const SETUP: SetupRecord = {
  runId: '2026-11-28T10-15-03-123Z',
  startedAt: '2026-11-28T10:15:03.123Z',
  mode: 'boot',
  url: 'http://127.0.0.1:8188',
  launchFlags: '--force-fp16 --listen 127.0.0.1 --port 8188',
  launchEnv: 'PYTORCH_ENABLE_MPS_FALLBACK=1',
};

describe('renderSetupFailureXml', () => {
  it('writes one failed case with the message, the hint and the log tail', () => {
    const xml = renderSetupFailureXml({
      ...SETUP,
      error: {
        name: 'ServerExitedError',
        code: 'COMFYUI_EXITED',
        message: 'ComfyUI exited during boot with exit code 1 before answering http://127.0.0.1:8188/system_stats',
        hint: 'read the log lines below',
        context: {},
      },
      logTail: ['Traceback (most recent call last):', "ModuleNotFoundError: No module named 'torch'"],
    });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<testsuites name="comfyui-gate" tests="1" failures="1" errors="0" time="0">',
        '    <testsuite name="global-setup.ts" timestamp="2026-11-28T10:15:03.123Z" hostname="comfyui-gate" tests="1" failures="1" errors="0" skipped="0" time="0">',
        '        <testcase classname="global-setup.ts" name="ComfyUI starts and answers /system_stats" time="0">',
        '            <failure message="ComfyUI exited during boot with exit code 1 before answering http://127.0.0.1:8188/system_stats" type="ServerExitedError">',
        'ComfyUI exited during boot with exit code 1 before answering http://127.0.0.1:8188/system_stats',
        'What to do: read the log lines below',
        '',
        'Traceback (most recent call last):',
        "ModuleNotFoundError: No module named 'torch'",
        '            </failure>',
        '        </testcase>',
        '    </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('escapes markup and quotes and drops control characters XML cannot hold', () => {
    const xml = renderSetupFailureXml({
      ...SETUP,
      error: {
        name: 'ConfigError',
        code: 'CONFIG_INVALID',
        message: 'COMFYUI_DIR="/Users/me/Comfy & Co/<dev>" does not exist: no ComfyUI to boot',
        hint: 'set COMFYUI_DIR to your ComfyUI folder',
        context: {},
      },
      logTail: ['\u001b[31mred\u001b[0m bell\u0007 tab\there', 'null\u0000byte'],
    });
    expect(xml).toContain(
      '<failure message="COMFYUI_DIR=&quot;/Users/me/Comfy &amp; Co/&lt;dev&gt;&quot; does not exist: no ComfyUI to boot" type="ConfigError">\n' +
        'COMFYUI_DIR=&quot;/Users/me/Comfy &amp; Co/&lt;dev&gt;&quot; does not exist: no ComfyUI to boot\n' +
        'What to do: set COMFYUI_DIR to your ComfyUI folder\n' +
        '\n' +
        '[31mred[0m bell tab\there\n' +
        'nullbyte\n' +
        '            </failure>',
    );
  });

  it('still says global setup failed when the record has no error', () => {
    const xml = renderSetupFailureXml(SETUP);
    expect(xml).toContain('            <failure message="global setup failed" type="Error">\nglobal setup failed\n\n\n            </failure>');
  });
});
