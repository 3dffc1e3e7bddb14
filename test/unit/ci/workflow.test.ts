import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../../../fixtures/fake-env';

// The CI gate workflow, read as GitHub reads it. Each check runs against the real file, and
// again against a broken copy to prove it can fail.

const WORKFLOW_PATH = join(REPO_ROOT, '.github', 'workflows', 'comfyui-gate.yml');

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
  if (step.run?.trim().startsWith('npm test')) return 'npm test';
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
  'makes npm test the gate: an id, the bare command, no continue-on-error': ({ workflow }) => {
    const job = getJob(workflow);
    const gate = getStep(workflow, 'npm test');
    expect(gate.id).toMatch(/\w/);
    expect(gate.run?.trim()).toBe('npm test');
    expect(gate['continue-on-error'] ?? false).toBe(false);
    expect(job['continue-on-error'] ?? false).toBe(false);
  },
  'installs Node 20 with the npm cache': ({ workflow }) => {
    const setup = getStep(workflow, 'setup-node');
    expect(String(setup.with?.['node-version'])).toMatch(/^20(\.|$)/);
    expect(setup.with?.cache).toBe('npm');
  },
  'uploads reports/ as comfyui-gate-reports without hidden files': ({ workflow }) => {
    const upload = getStep(workflow, 'upload');
    expect(upload.uses).toBe('actions/upload-artifact@v4');
    expect(upload.with).toMatchObject({ name: 'comfyui-gate-reports', 'include-hidden-files': false });
    expect(String(upload.with?.path).trim()).toBe('reports/');
  },
  'appends reports/05-BENCHMARK.md to the job summary': ({ workflow }) => {
    expect(getStep(workflow, 'summary').run).toMatch(/cat reports\/05-BENCHMARK\.md >> "?\$GITHUB_STEP_SUMMARY"?/);
  },
  'publishes reports/junit.xml with checks: write': ({ workflow }) => {
    expect(getStep(workflow, 'junit').with?.report_paths).toBe('reports/junit.xml');
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

  test('the summary step appends the report when there is one and passes quietly when there is none', () => {
    const script = getStep(source.workflow, 'summary').run ?? '';
    const runScript = (withReport: boolean) => {
      const dir = mkdtempSync(join(tmpdir(), 'gate-summary-'));
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '');
      if (withReport) {
        mkdirSync(join(dir, 'reports'));
        writeFileSync(join(dir, 'reports', '05-BENCHMARK.md'), '# Benchmark\n- Phase 5 gate: PASS\n');
      }
      // GitHub runs `shell: bash` steps like this.
      try {
        execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: dir, env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
        return readFileSync(summary, 'utf8');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(runScript(true)).toBe('# Benchmark\n- Phase 5 gate: PASS\n');
    expect(runScript(false)).toBe('');
  });
});

// Each edit breaks one promise of the workflow; the matching check must notice.
const breakages: ReadonlyArray<readonly [check: string, edit: string, from: string | RegExp, to: string]> = [
  ['runs on the self-hosted Apple Silicon runner, labels exactly self-hosted/macOS/ARM64', 'a missing ARM64 label', 'runs-on: [self-hosted, macOS, ARM64]', 'runs-on: [self-hosted, macOS]'],
  ['names no GitHub-hosted runner anywhere (a hosted macOS runner is a VM without a usable MPS device)', 'a hosted runner', 'runs-on: [self-hosted, macOS, ARM64]', 'runs-on: macos-14'],
  ['runs checkout, setup-node, npm ci, npm test, then upload, summary and junit', 'npm install instead of npm ci', 'run: npm ci', 'run: npm install'],
  ['runs the evidence steps always, and the steps up to npm test only on success', 'an upload only on success', /(name: Upload reports\n\s+)if: always\(\)/, '$1if: success()'],
  ['makes npm test the gate: an id, the bare command, no continue-on-error', 'a swallowed failure', 'run: npm test', 'run: npm test || true'],
  ['makes npm test the gate: an id, the bare command, no continue-on-error', 'continue-on-error', 'continue-on-error: false', 'continue-on-error: true'],
  ['installs Node 20 with the npm cache', 'Node 22', 'node-version: 20', 'node-version: 22'],
  ['uploads reports/ as comfyui-gate-reports without hidden files', 'another folder', 'path: reports/', 'path: out/'],
  ['appends reports/05-BENCHMARK.md to the job summary', 'another file', 'cat reports/05-BENCHMARK.md', 'cat reports/summary.md'],
  ['publishes reports/junit.xml with checks: write', 'no checks permission', 'checks: write', 'checks: read'],
  ['never runs twice at once, and never cancels a run mid-generation', 'a group per branch', 'group: comfyui-gate-mac-gpu', 'group: ${{ github.ref }}'],
  ['gives up after 30 minutes', 'no timeout', 'timeout-minutes: 30', 'timeout-minutes: 360'],
];

describe('the checks fail on a broken workflow', () => {
  test.each(breakages)('%s: catches %s', (name, _edit, from, to) => {
    const broken = realText.replace(from, to);
    expect(broken, 'the edit applies to the real workflow').not.toBe(realText);
    expect(() => checks[name]!(readSource(broken))).toThrow();
  });
});
