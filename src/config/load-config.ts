import { randomInt } from 'node:crypto';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { LAUNCH_ENV, PLAN_DEFAULTS } from './defaults.ts';
import { getAttachPlan, redactUrl } from './attach-plan.ts';
import { envSchema, type ParsedEnv } from './env-schema.ts';
import type { GateConfig, ServerPlan } from './gate-config.ts';
import { readWorkflowFile } from './read-workflow-file.ts';
import { checkUnknownVariables } from './unknown-variables.ts';

/** Parses and checks every setting from the environment; throws a ConfigError naming the variable and the fix. */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GateConfig {
  const warnings = checkUnknownVariables(rawEnv, Object.keys(envSchema.shape));
  const env = parseEnv(rawEnv);
  const reportDir = getReportDir({ GATE_REPORT_DIR: env.GATE_REPORT_DIR }, cwd);
  validateReportDir(reportDir);
  const comfyuiDir = resolve(cwd, expandHome(env.COMFYUI_DIR));
  const config: GateConfig = {
    server: getServerPlan(env, comfyuiDir, cwd),
    expectedDevice: env.COMFYUI_EXPECT_DEVICE,
    expectedPython: PLAN_DEFAULTS.expectedPython,
    benchmark: {
      checkpoint: env.GATE_CHECKPOINT,
      width: env.GATE_WIDTH,
      height: env.GATE_HEIGHT,
      steps: env.GATE_STEPS,
      sampler: env.GATE_SAMPLER,
      scheduler: env.GATE_SCHEDULER,
      cfg: env.GATE_CFG,
      prompt: env.GATE_PROMPT,
      negativePrompt: PLAN_DEFAULTS.negativePrompt,
      // A fresh seed by default: ComfyUI caches a prompt it has run, and a cached run measures nothing.
      seed: env.GATE_SEED ?? randomInt(2 ** 47),
    },
    ...(env.GATE_WORKFLOW === undefined ? {} : { workflow: readWorkflowFile(resolve(cwd, expandHome(env.GATE_WORKFLOW))) }),
    runs: env.GATE_RUNS,
    budgetMs: env.GATE_BUDGET_S * 1000,
    deadlineMs: (env.GATE_DEADLINE_S === 0 ? env.GATE_BUDGET_S * 2 : env.GATE_DEADLINE_S) * 1000,
    socketSilenceMs: env.GATE_SOCKET_SILENCE_S * 1000,
    reportDir,
    gpu: {
      sampler: env.GATE_GPU_SAMPLER,
      intervalMs: env.GATE_GPU_INTERVAL_MS,
      thresholdPercent: env.GATE_GPU_THRESHOLD,
      minActiveSamples: 2,
      idleWatchdogMs: env.GATE_GPU_IDLE_S * 1000,
    },
    install: {
      comfyuiDir,
      kohyaDir: resolve(cwd, expandHome(env.KOHYA_DIR)),
      accelerateConfig: resolve(cwd, expandHome(env.ACCELERATE_CONFIG)),
      openposeModels: env.GATE_OPENPOSE_MODELS,
    },
    skip: env.GATE_SKIP,
    simulated: env.GATE_SIMULATED,
    warnings: [...warnings, ...getIgnoredWarnings(env)],
  };
  return deepFreeze(config);
}

function parseEnv(rawEnv: NodeJS.ProcessEnv): ParsedEnv {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((key) => rawEnv[key] !== undefined && rawEnv[key] !== '')
      .map((key) => [key, rawEnv[key]]),
  );
  const result = envSchema.safeParse(known);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, known));
  const names = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`, {
    hint: `fix or unset ${names.join(', ')} (see the configuration table in README.md)`,
    context: { variables: names },
  });
}

function describeIssue(issue: z.core.$ZodIssue, values: Record<string, string | undefined>): string {
  const name = String(issue.path[0]);
  const value = values[name] ?? '';
  // A URL's user:password never goes into a message.
  return `  ${name}=${JSON.stringify(name === 'COMFYUI_URL' ? redactUrl(value) : value)}: ${issue.message}`;
}

function getIgnoredWarnings(env: ParsedEnv): string[] {
  const attaching = env.COMFYUI_URL !== undefined;
  return attaching && env.COMFYUI_ARGS.length > 0 ? ['COMFYUI_ARGS is ignored: the gate attaches to COMFYUI_URL and starts no ComfyUI of its own'] : [];
}

function getServerPlan(env: ParsedEnv, dir: string, cwd: string): ServerPlan {
  if (env.COMFYUI_URL !== undefined) return getAttachPlan(env.COMFYUI_URL, env.COMFYUI_ALLOW_REMOTE);
  validateComfyuiDir(dir);
  const python = env.COMFYUI_PYTHON === undefined ? join(dir, PLAN_DEFAULTS.pythonInVenv) : resolve(cwd, expandHome(env.COMFYUI_PYTHON));
  validatePython(python, env.COMFYUI_PYTHON !== undefined);
  const host = PLAN_DEFAULTS.host;
  // The gate's own flags come last: argparse keeps the last value, so nothing before can move the server.
  const args = ['main.py', ...(env.COMFYUI_FORCE_FP16 ? ['--force-fp16'] : []), ...env.COMFYUI_ARGS, '--listen', host, '--port', String(env.COMFYUI_PORT)];
  return {
    mode: 'boot',
    dir,
    python,
    args,
    env: LAUNCH_ENV,
    url: `http://${host}:${env.COMFYUI_PORT}`,
    port: env.COMFYUI_PORT,
    readyTimeoutMs: env.COMFYUI_READY_TIMEOUT_S * 1000,
  };
}

function validateComfyuiDir(dir: string): void {
  const stats = statSync(dir, { throwIfNoEntry: false });
  const fix = 'set COMFYUI_DIR to your ComfyUI folder, or set COMFYUI_URL=http://127.0.0.1:8188 to attach to a ComfyUI that is already running';
  if (stats === undefined) {
    throw new ConfigError(`COMFYUI_DIR=${JSON.stringify(dir)} does not exist: no ComfyUI to boot`, {
      hint: fix,
      context: { variable: 'COMFYUI_DIR', value: dir },
    });
  }
  if (!stats.isDirectory()) {
    throw new ConfigError(`COMFYUI_DIR=${JSON.stringify(dir)} is a file, not a folder`, { hint: fix, context: { variable: 'COMFYUI_DIR', value: dir } });
  }
  if (statSync(join(dir, 'main.py'), { throwIfNoEntry: false }) === undefined) {
    throw new ConfigError(`COMFYUI_DIR=${JSON.stringify(dir)} has no main.py: it does not look like a ComfyUI folder`, {
      hint: fix,
      context: { variable: 'COMFYUI_DIR', value: dir },
    });
  }
}

function validatePython(python: string, explicit: boolean): void {
  const variable = explicit ? 'COMFYUI_PYTHON' : 'COMFYUI_DIR';
  const hint = explicit
    ? 'set COMFYUI_PYTHON to the python of the venv ComfyUI was installed into'
    : `create the venv (python3.11 -m venv venv && venv/bin/pip install -r requirements.txt in the ComfyUI folder), or set COMFYUI_PYTHON`;
  const stats = statSync(python, { throwIfNoEntry: false });
  if (stats === undefined || !stats.isFile()) {
    throw new ConfigError(`No python at ${python}${explicit ? ' (COMFYUI_PYTHON)' : ' (the venv of COMFYUI_DIR)'}`, {
      hint,
      context: { variable, value: python },
    });
  }
  try {
    accessSync(python, constants.X_OK);
  } catch {
    throw new ConfigError(`${python} is not executable`, { hint: `chmod +x ${python}, or ${hint}`, context: { variable, value: python } });
  }
}

function validateReportDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new ConfigError(`GATE_REPORT_DIR=${JSON.stringify(dir)} cannot be written`, {
      hint: 'set GATE_REPORT_DIR to a folder you can write to',
      context: { variable: 'GATE_REPORT_DIR', value: dir },
      cause: error,
    });
  }
}

/**
 * Where reports go, read straight from the environment: also usable when the rest of the
 * configuration is invalid, so that a report can still say why.
 */
export function getReportDir(rawEnv: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const raw = rawEnv.GATE_REPORT_DIR?.trim();
  return resolve(cwd, expandHome(raw === undefined || raw === '' ? 'reports' : raw));
}

/** Expands a leading `~` the way a shell would, since environment values arrive unexpanded. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
