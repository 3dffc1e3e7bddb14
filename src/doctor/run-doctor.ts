import { userInfo } from 'node:os';
import { PLAN_DEFAULTS } from '../config/defaults.ts';
import type { GateConfig } from '../config/gate-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import type { DoctorCheck } from './doctor-check.ts';
import { judgeConfigError } from './judge-config.ts';
import { judgeCheckpoint, judgeDisk, judgeFolder, judgeVersion } from './judge-install.ts';
import { judgeLaunch } from './judge-launch.ts';
import { judgeChip, judgeMacos, judgeMemory } from './judge-machine.ts';
import { judgePort } from './judge-port.ts';
import { isPowermetricsWanted, judgePowermetrics, type PowermetricsContext } from './judge-powermetrics.ts';
import { judgeAttachedPython, judgePythonChecks } from './judge-python.ts';
import { readInstall } from './read-install.ts';
import { readMachine, type MachineReading } from './read-machine.ts';
import { readPort, readUrl } from './read-port.ts';
import { readPowermetrics } from './read-powermetrics.ts';
import { readPython } from './read-python.ts';

export interface DoctorOptions {
  readonly cwd?: string;
  /** Who the sudoers line is for; defaults to the user running the doctor. */
  readonly user?: string;
}

/**
 * Checks the setup without generating: loads the gate's configuration from `rawEnv`, reads
 * everything it can at once, and judges each finding. A configuration loadConfig refuses becomes
 * a FAIL line, and the machine checks are still made.
 */
export async function runDoctor(rawEnv: NodeJS.ProcessEnv, { cwd = process.cwd(), user = userInfo().username }: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const machine = readMachine();
  let config: GateConfig;
  try {
    config = loadConfig(rawEnv, cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [judgeConfigError(error), ...(await checkMachineOnly(await machine, user))];
  }
  return checkSetup(config, machine, user);
}

async function checkSetup(config: GateConfig, machinePromise: Promise<MachineReading>, user: string): Promise<DoctorCheck[]> {
  const { server, expectedDevice } = config;
  const boot = server.mode === 'boot' ? server : undefined;
  const powermetrics = machinePromise.then((machine) => getPowermetricsContext(config, machine, user));
  const [install, python, machine, port, powermetricsReading] = await Promise.all([
    readInstall(config.install.comfyuiDir, config.benchmark.checkpoint),
    boot === undefined ? undefined : readPython({ python: boot.python, dir: boot.dir, env: boot.env }),
    machinePromise,
    boot === undefined ? readUrl(server.url) : readPort(new URL(boot.url).hostname, boot.port),
    powermetrics.then((context) => (isPowermetricsWanted(context) ? readPowermetrics() : undefined)),
  ]);
  const pythonChecks =
    boot === undefined || python === undefined
      ? judgeAttachedPython(server.url, expectedDevice)
      : judgePythonChecks(python, { python: boot.python, dir: boot.dir, expectedPython: config.expectedPython, expectedDevice, machine });
  return [
    judgeFolder(install),
    judgeVersion(install),
    ...pythonChecks,
    judgeMacos(machine, expectedDevice),
    judgeChip(machine, expectedDevice),
    judgeMemory(machine),
    judgeDisk(install),
    judgeCheckpoint(install, config.benchmark.checkpoint),
    judgePort(server, port),
    judgePowermetrics(await powermetrics, powermetricsReading),
    judgeLaunch(server),
  ];
}

// Without a configuration the plan's defaults stand in: an Apple Silicon Mac, GPU sampler on auto.
async function checkMachineOnly(machine: MachineReading, user: string): Promise<DoctorCheck[]> {
  const expectedDevice = PLAN_DEFAULTS.expectedDevice;
  const context: PowermetricsContext = { isMac: machine.isMac, sampler: 'auto', skipGpu: false, expectedDevice, user };
  const reading = isPowermetricsWanted(context) ? await readPowermetrics() : undefined;
  return [judgeMacos(machine, expectedDevice), judgeChip(machine, expectedDevice), judgeMemory(machine), judgePowermetrics(context, reading)];
}

function getPowermetricsContext(config: GateConfig, machine: MachineReading, user: string): PowermetricsContext {
  return { isMac: machine.isMac, sampler: config.gpu.sampler, skipGpu: config.skip.includes('gpu'), expectedDevice: config.expectedDevice, user };
}
