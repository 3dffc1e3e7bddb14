import { describe, expect, test } from 'vitest';
import { pyFloat, toPythonJson } from '../../../fixtures/fake-comfyui/python/json-text.ts';
import { pyRepr, toPyFloat, toPyInt } from '../../../fixtures/fake-comfyui/python/values.ts';

// ComfyUI's text comes from Python; the fake must print values the way Python does.

describe('toPythonJson', () => {
  test('uses json.dumps separators, escapes non-ASCII and keeps Map order', () => {
    const nodes = new Map([
      ['4', { value: pyFloat(1), max: pyFloat(1) }],
      ['10', { value: 3, max: 20 }],
    ]);
    expect(toPythonJson({ text: 'café ✓', nodes, none: null })).toBe(
      '{"text": "caf\\u00e9 \\u2713", "nodes": {"4": {"value": 1.0, "max": 1.0}, "10": {"value": 3, "max": 20}}, "none": null}',
    );
  });
});

describe('Python values', () => {
  test('repr quotes like Python', () => {
    expect(pyRepr(['a', "it's", null, true])).toBe(`['a', "it's", None, True]`);
    expect(pyRepr({ type: 'x', extra_info: {} })).toBe("{'type': 'x', 'extra_info': {}}");
  });

  test('int() and float() accept and refuse what Python does, with its messages', () => {
    expect(toPyInt(' 20 ')).toEqual({ ok: true, value: 20 });
    expect(toPyInt(7.9)).toEqual({ ok: true, value: 7 });
    expect(toPyInt('twenty')).toEqual({ ok: false, message: "invalid literal for int() with base 10: 'twenty'" });
    expect(toPyInt(null)).toEqual({ ok: false, message: "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'" });
    expect(toPyFloat('1e3')).toEqual({ ok: true, value: 1000 });
    expect(toPyFloat('x')).toEqual({ ok: false, message: "could not convert string to float: 'x'" });
  });
});
