import { ConfigError } from '../errors.ts';
import type { ServerPlan } from './gate-config.ts';

// IPv4-mapped IPv6 for 127.0.0.0/8: WHATWG URL writes [::ffff:127.0.0.1] as [::ffff:7f00:1].
const MAPPED_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Checks COMFYUI_URL and makes the attach plan: a loopback server (or COMFYUI_ALLOW_REMOTE=1), never credentials. */
export function getAttachPlan(rawUrl: string, allowRemote: boolean): ServerPlan {
  const url = new URL(rawUrl);
  const shown = redactUrl(rawUrl);
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`COMFYUI_URL=${JSON.stringify(shown)} carries a user name or password: the gate does not send credentials`, {
      hint: 'remove the user:password@ part from COMFYUI_URL; ComfyUI itself has no login, and a proxy that needs one is a server on another machine',
      context: { variable: 'COMFYUI_URL', value: shown },
    });
  }
  if (!isLoopbackHost(url.hostname) && !allowRemote) {
    throw new ConfigError(`COMFYUI_URL=${JSON.stringify(shown)} is not on this machine (${url.hostname} is not a loopback address)`, {
      hint: 'use http://127.0.0.1:<port>, or set COMFYUI_ALLOW_REMOTE=1 if you really mean to test a server on another machine',
      context: { variable: 'COMFYUI_URL', value: shown },
    });
  }
  return { mode: 'attach', url: url.origin };
}

/**
 * Whether a WHATWG URL hostname is this machine: all of 127.0.0.0/8, `localhost`, `[::1]` and
 * IPv4-mapped loopback (`[::ffff:127.0.0.1]`, which URL normalises to `[::ffff:7f00:1]`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  if (MAPPED_LOOPBACK.test(host)) return true;
  const octets = IPV4.exec(host)?.slice(1).map(Number);
  return octets !== undefined && octets[0] === 127 && octets.every((octet) => octet <= 255);
}

/** The URL with any user name and password removed, for messages: credentials are never printed back. */
export function redactUrl(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    if (url.username === '' && url.password === '') return rawUrl;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    // Not a URL: still cut out anything that looks like credentials before the host.
    return rawUrl.replace(/\/\/[^/@]*@/, '//');
  }
}
