import { describe, expect, it } from 'vitest';
import { getAttachPlan, isLoopbackHost, redactUrl } from '../../../src/config/attach-plan.ts';
import { ConfigError } from '../../../src/errors.ts';

function getError(rawUrl: string, allowRemote = false): ConfigError {
  try {
    getAttachPlan(rawUrl, allowRemote);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${rawUrl} to be refused`);
}

describe('getAttachPlan: loopback', () => {
  it.each([
    ['http://127.0.0.1:8188', 'http://127.0.0.1:8188'],
    ['http://127.0.0.2:8188', 'http://127.0.0.2:8188'],
    ['http://127.255.255.254:8188/x', 'http://127.255.255.254:8188'],
    // WHATWG URL reads these IPv4 spellings as 127.0.0.1.
    ['http://127.1:8188', 'http://127.0.0.1:8188'],
    ['http://0x7f.0.0.1:8188', 'http://127.0.0.1:8188'],
    ['http://localhost:8188', 'http://localhost:8188'],
    ['http://LOCALHOST:8188', 'http://localhost:8188'],
    ['http://[::1]:8188', 'http://[::1]:8188'],
    ['http://[0:0:0:0:0:0:0:1]:8188', 'http://[::1]:8188'],
    ['http://[::ffff:127.0.0.1]:8188', 'http://[::ffff:7f00:1]:8188'],
    ['http://[::ffff:127.9.8.7]:8188', 'http://[::ffff:7f09:807]:8188'],
  ])('attaches to %s', (rawUrl, origin) => {
    expect(getAttachPlan(rawUrl, false)).toEqual({ mode: 'attach', url: origin });
  });

  it.each([
    ['http://10.0.0.1:8188', '10.0.0.1'],
    ['http://128.0.0.1:8188', '128.0.0.1'],
    ['http://0.0.0.0:8188', '0.0.0.0'],
    ['http://[::2]:8188', '[::2]'],
    ['http://[::ffff:10.0.0.1]:8188', '[::ffff:a00:1]'],
    ['http://localhost.example.com:8188', 'localhost.example.com'],
    ['http://127.0.0.1.nip.io:8188', '127.0.0.1.nip.io'],
  ])('refuses %s as not on this machine', (rawUrl, host) => {
    const error = getError(rawUrl);
    expect(error.message).toBe(`COMFYUI_URL="${rawUrl}" is not on this machine (${host} is not a loopback address)`);
    expect(error.hint).toBe('use http://127.0.0.1:<port>, or set COMFYUI_ALLOW_REMOTE=1 if you really mean to test a server on another machine');
    expect(getAttachPlan(rawUrl, true).mode).toBe('attach');
  });

  it('knows loopback host names as URL writes them', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::ffff:7fff:ffff]')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('::1')).toBe(false);
  });
});

describe('getAttachPlan: credentials', () => {
  it('refuses a URL with a user name or password and never prints them back', () => {
    for (const rawUrl of ['http://admin:s3cret@127.0.0.1:8188', 'http://admin@127.0.0.1:8188', 'http://:s3cret@10.0.0.1:8188']) {
      const error = getError(rawUrl, true);
      const shown = rawUrl.includes('10.0.0.1') ? 'http://10.0.0.1:8188/' : 'http://127.0.0.1:8188/';
      expect(error.message).toBe(`COMFYUI_URL="${shown}" carries a user name or password: the gate does not send credentials`);
      expect(error.hint).toBe(
        'remove the user:password@ part from COMFYUI_URL; ComfyUI itself has no login, and a proxy that needs one is a server on another machine',
      );
      expect(error.context).toEqual({ variable: 'COMFYUI_URL', value: shown });
      expect(JSON.stringify({ message: error.message, hint: error.hint, context: error.context })).not.toMatch(/admin|s3cret/);
    }
  });

  it('redacts credentials from anything URL-like', () => {
    expect(redactUrl('http://u:p@127.0.0.1:8188/x')).toBe('http://127.0.0.1:8188/x');
    expect(redactUrl('http://127.0.0.1:8188')).toBe('http://127.0.0.1:8188');
    expect(redactUrl('ht!tp://u:p@host')).toBe('ht!tp://host');
  });
});
