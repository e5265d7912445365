import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeManifestBytes, firstInvalidUtf8 } from '../../src/manifest/decode-manifest-bytes.ts';

const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\ndata:\n  a: "1"\n';

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
  return le;
}

describe('decodeManifestBytes', () => {
  it('takes UTF-8 as it is, a byte-order mark left for the parser', () => {
    expect(decodeManifestBytes(Buffer.from(MANIFEST))).toEqual({ text: MANIFEST });
    expect(decodeManifestBytes(Buffer.from(`\uFEFF${MANIFEST}`))).toEqual({ text: `\uFEFF${MANIFEST}` });
    // U+FFFD written in the file is a character like any other.
    expect(decodeManifestBytes(Buffer.from('a: \uFFFD\n'))).toEqual({ text: 'a: \uFFFD\n' });
  });

  it('decodes UTF-16 after its byte-order mark, little- or big-endian, as go-yaml does', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MANIFEST, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(MANIFEST)]);
    expect(decodeManifestBytes(le)).toEqual({ text: MANIFEST });
    expect(decodeManifestBytes(be)).toEqual({ text: MANIFEST });
  });

  it('refuses UTF-16 that is not (a lone surrogate after the mark)', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x00, 0xd8, 0x62, 0x00]);
    expect(decodeManifestBytes(bytes)).toEqual({
      unreadable: {
        line: 1,
        message: 'file starts as UTF-16LE but is not valid UTF-16LE; kubectl refuses it: save it as UTF-8',
      },
    });
  });

  it('refuses other bytes at the line of the first that is not UTF-8, naming it', () => {
    const latin1 = Buffer.from(MANIFEST.replace('café', 'caf\u00e9'), 'latin1');
    expect(decodeManifestBytes(latin1)).toEqual({
      unreadable: {
        line: 4,
        message: 'line 4 is not UTF-8 (byte 0xE9); kubectl refuses the file: save it as UTF-8',
      },
    });
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong two-byte form', [0xc0, 0x80], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a sequence cut short by ASCII', [0xe2, 0x61, 0x62], 0],
    ['a lead byte never used', [0xf8, 0x88, 0x80, 0x80, 0x80], 0],
  ])('finds %s', (_name, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
  });

  it('accepts every scalar value at each length', () => {
    const text = 'a\u00e9\u0800\ud7ff\ue000\uffff\u{10000}\u{10ffff}';
    expect(firstInvalidUtf8(Buffer.from(text))).toBe(-1);
  });

  it('agrees with Node on any bytes: -1 exactly for UTF-8, else everything before it is UTF-8', () => {
    const bytes = fc.uint8Array({ maxLength: 40 });
    // Mostly valid text with a few stray bytes, where the offset matters most.
    const mixed = fc
      .tuple(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.uint8Array({ maxLength: 3 }),
        fc.string({ maxLength: 6 }),
      )
      .map(([a, b, c]) => Buffer.concat([Buffer.from(a), b, Buffer.from(c)]));
    fc.assert(
      fc.property(fc.oneof(bytes, mixed), (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) {
          expect(isUtf8(b.subarray(0, at))).toBe(true);
          // No sequence starting there is well formed, whatever follows it.
          for (let end = at + 1; end <= Math.min(b.length, at + 4); end++)
            expect(isUtf8(b.subarray(at, end))).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
