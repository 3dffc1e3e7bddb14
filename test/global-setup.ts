import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../fixtures/fake-env.ts';

// The self-tests start the fake ComfyUI some fifty times. Under tsx each start compiles its
// sources again (about a second on two busy cores); a bundle built once per run starts with plain
// node. It lives one folder below fixtures/fake-comfyui/ so that the fake's `../data/...` file
// URLs resolve exactly as they do from its sources. Demo and manual runs keep using tsx.
const BUNDLE_DIR = join(REPO_ROOT, 'fixtures', 'fake-comfyui', '.bundle');

/** Builds the fake ComfyUI bundle and points every gate run of this test run at it. */
export default async function setup(): Promise<() => void> {
  const outfile = join(BUNDLE_DIR, `server-${process.pid}.mjs`);
  await build({
    entryPoints: [join(REPO_ROOT, 'fixtures', 'fake-comfyui', 'server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'warning',
  });
  process.env.FAKE_COMFYUI_BUNDLE = outfile;
  return () => rmSync(outfile, { force: true });
}
