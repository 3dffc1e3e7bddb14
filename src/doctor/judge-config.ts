import { PLAN_DEFAULTS } from '../config/defaults.ts';
import type { ConfigError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import { fail, type DoctorCheck } from './doctor-check.ts';

/**
 * A configuration loadConfig refused, as the line it concerns: the ComfyUI folder, the Python, or
 * the configuration as a whole. Its message quotes environment values, so it is sanitised.
 */
export function judgeConfigError(error: ConfigError): DoctorCheck {
  const found = sanitizeLine(error.message, 600);
  const fix = sanitizeLine(error.hint, 600);
  const { variable, value } = error.context;
  // loadConfig names COMFYUI_DIR also for the venv python inside it; the path tells the two apart.
  if (variable === 'COMFYUI_PYTHON' || (typeof value === 'string' && value.endsWith(PLAN_DEFAULTS.pythonInVenv))) {
    return fail('python', 'Python', found, fix);
  }
  if (variable === 'COMFYUI_DIR') return fail('comfyui-folder', 'ComfyUI folder', found, fix);
  return fail('config', 'Configuration', found, fix);
}
