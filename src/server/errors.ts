import { GateError, type GateErrorOptions } from '../errors.ts';

/** ComfyUI exited before it answered: a missing package, a bad flag, a crash at import time. */
export class ServerExitedError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_EXITED', message, options);
  }
}

/** ComfyUI kept running but never answered /system_stats before the deadline. */
export class ServerNotReadyError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_NOT_READY', message, options);
  }
}

/** The port is held by a process the gate did not start. */
export class PortBusyError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('PORT_BUSY', message, options);
  }
}

/** The python could not be started at all. */
export class SpawnError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_SPAWN_FAILED', message, options);
  }
}

/** Nothing answers at COMFYUI_URL. */
export class AttachRefusedError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_URL_UNREACHABLE', message, options);
  }
}

/** ComfyUI at COMFYUI_URL answers, but with a server error (a traceback in its log). */
export class AttachFailingError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_URL_FAILING', message, options);
  }
}

/** Something answers at COMFYUI_URL, but not like ComfyUI (another service, a wrong path). */
export class NotComfyuiError extends GateError {
  constructor(message: string, options: GateErrorOptions) {
    super('COMFYUI_URL_NOT_COMFYUI', message, options);
  }
}
