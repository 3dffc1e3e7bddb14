import { describe, expect, it } from 'vitest';

import { isPlistDict, parsePlistXml } from '../../../src/gpu/plist-xml.ts';
import type { PlistValue } from '../../../src/gpu/plist-xml.ts';
import { readGpuSample } from './gpu-fixtures.ts';

const plist = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${body}\n</plist>\n`;

function getDict(value: PlistValue | undefined) {
  if (!isPlistDict(value)) throw new Error('expected a dict');
  return value;
}

describe('parsePlistXml', () => {
  it('reads the top level of a real powermetrics record', () => {
    const root = getDict(parsePlistXml(readGpuSample('powermetrics-plist-gpu_power-Mac16-8-macos15.5-single.plist')));
    expect(root.is_delta).toBe(true);
    expect(root.elapsed_ns).toBe(5005449083);
    expect(root.hw_model).toBe('Mac16,8');
    expect(root.kern_osversion).toBe('24F74');
    expect(root.kern_bootargs).toBe('');
    expect(root.kern_boottime).toBe(1749599894);
    expect(root.timestamp).toEqual(new Date('2025-07-06T04:15:28Z'));
    const gpu = getDict(root.gpu);
    expect(gpu.freq_hz).toBe(338);
    expect(gpu.idle_ratio).toBe(0.995324);
    expect(gpu.gpu_energy).toBe(9);
    expect(gpu.dvfm_states).toHaveLength(15);
    expect(gpu.sw_requested_state).toHaveLength(15);
    expect(gpu.sw_state).toHaveLength(15);
    expect((gpu.dvfm_states as readonly PlistValue[])[0]).toEqual({ freq: 338, used_ns: 19909666, used_ratio: 0.0046765 });
  });

  it('keeps the last value of a repeated key, as powermetrics repeats idle_ns and idle_ratio', () => {
    const root = getDict(parsePlistXml(plist('<dict><key>a</key><integer>1</integer><key>a</key><integer>2</integer></dict>')));
    expect(root.a).toBe(2);
  });

  it('reads every value type', () => {
    const value = parsePlistXml(
      plist(`<array>
  <string>a &amp; b &lt;c&gt; &#65;&#x42;</string><string/><string></string>
  <integer>-12</integer><real>1.5e3</real><real>.25</real>
  <true/><false/><date>2025-07-06T05:15:15Z</date>
  <data>
    AAEC/w==
  </data>
  <dict/><array/>
  <!-- a comment -->
</array>`),
    );
    expect(value).toEqual(['a & b <c> AB', '', '', -12, 1500, 0.25, true, false, new Date('2025-07-06T05:15:15Z'), new Uint8Array([0, 1, 2, 255]), {}, []]);
  });

  it.each([
    ['', 'plist ends before the document is complete'],
    ['<html><body>hi</body></html>', 'expected <plist> at offset 0, found <html>'],
    [plist('<dict><key>a</key></dict>'), 'expected a value element at offset 182, found </dict>'],
    [plist('<dict><integer>1</integer></dict>'), 'expected <key> or </dict> at offset 170, found <integer>'],
    [plist('<integer>1.5</integer>'), 'unreadable number "1.5" at offset 164'],
    [plist('<date>yesterday</date>'), 'unreadable <date> at offset 164'],
    [plist('<dict>'), 'expected <key> or </dict> at offset 171, found </plist>'],
    [plist('<string>a</string><string>b</string>'), 'expected </plist> at offset 182, found <string>'],
    [`${plist('<true/>')}<true/>`, 'content after </plist>'],
    ['<plist><dict', 'unterminated markup at offset 7'],
  ])('refuses %j: %s', (xml, message) => {
    expect(() => parsePlistXml(xml)).toThrow(new SyntaxError(message));
  });
});
