import { isUtf8 } from 'node:buffer';

/**
 * A manifest file's text as kubectl's YAML reader (go-yaml) takes its bytes, or why it refuses them:
 * UTF-8 (a byte-order mark is the parser's to drop), or UTF-16 after its byte-order mark; any other
 * bytes are refused at the line of the first that is not UTF-8.
 */
export type ManifestText = { text: string } | { unreadable: { line: number; message: string } };

/** A manifest file's bytes as ManifestText; `reader` is who refuses bytes that are neither (named in the message). */
export function decodeManifestBytes(bytes: Uint8Array, reader = 'kubectl'): ManifestText {
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (utf16) {
    try {
      // The decoder drops the byte-order mark.
      return { text: new TextDecoder(utf16, { fatal: true }).decode(bytes) };
    } catch {
      return {
        unreadable: {
          line: 1,
          message: `file starts as ${utf16.toUpperCase()} but is not valid ${utf16.toUpperCase()}; ${reader} refuses it: save it as UTF-8`,
        },
      };
    }
  }
  if (isUtf8(bytes))
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  const at = firstInvalidUtf8(bytes);
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
  const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return {
    unreadable: {
      line,
      message: `line ${line} is not UTF-8 (byte 0x${byte}); ${reader} refuses the file: save it as UTF-8`,
    },
  };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence; -1 if none. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(c, bytes[i + 1]);
    if (length === 0) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/**
 * The length of the sequence a lead byte starts, when the byte after it may follow it (Unicode's table
 * of well-formed sequences: narrower after E0, no overlong; ED, no surrogate; F0 and F4), else 0.
 */
function sequenceLength(lead: number, second: number | undefined): number {
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0 || second === undefined) return 0;
  const lo = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const hi = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  return second >= lo && second <= hi ? length : 0;
}
