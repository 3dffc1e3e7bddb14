import { resolve } from 'node:path';
import { JUnitReporter, type TestModule } from 'vitest/node';
import { writeFileAtomic } from '../run-record/write-atomic';
import { readState, type SetupRecord } from '../run-record/run-state';

export interface GateJunitOptions {
  readonly outputFile: string;
}

/**
 * Vitest's own JUnit reporter, plus one case: when global setup failed no spec ran, and Vitest
 * would write an empty file; then the file says what failed instead.
 */
export class GateJunitReporter extends JUnitReporter {
  readonly #outputFile: string;
  #unwritable = false;

  constructor(options: GateJunitOptions) {
    super({ outputFile: options.outputFile });
    this.#outputFile = resolve(options.outputFile);
  }

  override async onInit(ctx: Parameters<JUnitReporter['onInit']>[0]): Promise<void> {
    try {
      await super.onInit(ctx);
    } catch {
      // The report folder cannot be written: global setup says so with the fix; throwing here
      // would end the run before that message is shown.
      this.#unwritable = true;
    }
  }

  override async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    if (this.#unwritable) return;
    const setup = readState<SetupRecord>(resolve(this.#outputFile, '..'), 'setup');
    if (testModules.length > 0 || setup?.error === undefined) return super.onTestRunEnd(testModules);
    writeFileAtomic(this.#outputFile, renderSetupFailureXml(setup));
  }
}

/** A JUnit document with one failed case for a setup failure, log tail included. */
export function renderSetupFailureXml(setup: SetupRecord): string {
  const error = setup.error;
  const message = error === undefined ? 'global setup failed' : `${error.message}`;
  const body = [message, error?.hint === undefined || error.hint === '' ? '' : `What to do: ${error.hint}`, '', ...(setup.logTail ?? [])].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    '<testsuites name="comfyui-gate" tests="1" failures="1" errors="0" time="0">',
    '    <testsuite name="global-setup.ts" timestamp="' + escapeXml(setup.startedAt) + '" hostname="comfyui-gate" tests="1" failures="1" errors="0" skipped="0" time="0">',
    '        <testcase classname="global-setup.ts" name="ComfyUI starts and answers /system_stats" time="0">',
    `            <failure message="${escapeXml(message)}" type="${escapeXml(error?.name ?? 'Error')}">`,
    escapeXml(body),
    '            </failure>',
    '        </testcase>',
    '    </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
