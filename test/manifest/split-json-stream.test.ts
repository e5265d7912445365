import { describe, expect, it } from 'vitest';
import { splitJsonStream } from '../../src/manifest/split-json-stream.ts';

describe('splitJsonStream', () => {
  it('splits concatenated and newline-separated objects', () => {
    const text = '{"a":1}{"b":[2]}\n\n  {"c":"}"}\n';
    const spans = splitJsonStream(text);
    expect(spans?.map((s) => text.slice(s.start, s.end))).toEqual(['{"a":1}', '{"b":[2]}', '{"c":"}"}']);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    const text = '{"x":"\\"}]"}{"y":1}';
    expect(splitJsonStream(text)?.map((s) => text.slice(s.start, s.end))).toEqual([
      '{"x":"\\"}]"}',
      '{"y":1}',
    ]);
  });

  it.each([
    ['a single object', '{"a":1}\n'],
    ['YAML', 'a: 1\n'],
    ['a YAML flow stream with markers', '{a: 1}\n---\n{b: 2}\n'],
    ['an unclosed object', '{"a":1}{"b":'],
    ['trailing text', '{"a":1}{"b":2} x'],
    ['a top-level array first', '[1]{"a":1}'],
  ])('leaves %s to the YAML parser', (_, text) => {
    expect(splitJsonStream(text)).toBeUndefined();
  });
});
