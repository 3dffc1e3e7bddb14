import { describe, expect, it } from 'vitest';
import { getModelPathArgs } from '../../../src/install/comfy-argv.ts';

// ComfyUI Desktop 0.21.1 on a Mac, from a System Information panel (mac-logs/desktop-8gb-mac-sysinfo-0.21.1-torch2.10.txt).
const DESKTOP_ARGV = [
  '/Applications/ComfyUI.app/Contents/Resources/ComfyUI/main.py',
  '--user-directory',
  '/Volumes/一个张张盘/confyui/user',
  '--input-directory',
  '/Volumes/一个张张盘/confyui/input',
  '--output-directory',
  '/Volumes/一个张张盘/confyui/output',
  '--front-end-root',
  '/Applications/ComfyUI.app/Contents/Resources/ComfyUI/web_custom_versions/desktop_app',
  '--base-directory',
  '/Volumes/一个张张盘/confyui',
  '--database-url',
  'sqlite:////Volumes/一个张张盘/confyui/user/comfyui.db',
  '--extra-model-paths-config',
  '/Users/lanyu/Library/Application Support/ComfyUI/extra_models_config.yaml',
  '--log-stdout',
  '--listen',
  '127.0.0.1',
  '--port',
  '8000',
  '--enable-manager',
];

describe('getModelPathArgs', () => {
  it("reads ComfyUI Desktop's arguments", () => {
    expect(getModelPathArgs(DESKTOP_ARGV)).toEqual({
      mainScript: '/Applications/ComfyUI.app/Contents/Resources/ComfyUI/main.py',
      baseDirectory: '/Volumes/一个张张盘/confyui',
      extraModelPathsConfigs: ['/Users/lanyu/Library/Application Support/ComfyUI/extra_models_config.yaml'],
    });
  });

  it('takes --base-directory=x and --base-directory x; the last one wins', () => {
    expect(getModelPathArgs(['main.py', '--base-directory=/a']).baseDirectory).toBe('/a');
    expect(getModelPathArgs(['main.py', '--base-directory', '/a', '--port', '8188']).baseDirectory).toBe('/a');
    expect(getModelPathArgs(['main.py', '--base-directory', '/a', '--base-directory=/b']).baseDirectory).toBe('/b');
  });

  it('collects every --extra-model-paths-config file: several after one flag, and the flag repeated', () => {
    const argv = [
      'main.py',
      '--extra-model-paths-config',
      'a.yaml',
      'b.yaml',
      '--cpu',
      '--extra-model-paths-config=c.yaml',
      '--extra-model-paths-config',
      'd.yaml',
    ];
    expect(getModelPathArgs(argv).extraModelPathsConfigs).toEqual(['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml']);
  });

  it('never takes a flag as a value, and stops at --', () => {
    expect(getModelPathArgs(['main.py', '--base-directory', '--cpu'])).toEqual({ mainScript: 'main.py', baseDirectory: undefined, extraModelPathsConfigs: [] });
    expect(getModelPathArgs(['main.py', '--', '--base-directory', '/a']).baseDirectory).toBeUndefined();
  });

  it('reads an argv without a script, and an empty one', () => {
    expect(getModelPathArgs(['--base-directory', '/a'])).toEqual({ mainScript: undefined, baseDirectory: '/a', extraModelPathsConfigs: [] });
    expect(getModelPathArgs([])).toEqual({ mainScript: undefined, baseDirectory: undefined, extraModelPathsConfigs: [] });
  });
});
