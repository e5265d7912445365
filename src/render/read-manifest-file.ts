import { readFileSync } from 'node:fs';
import { decodeManifestBytes, type ManifestText } from '../manifest/decode-manifest-bytes.ts';

/**
 * Reads a manifest file as kubectl takes its bytes (decodeManifestBytes). The common case is one read
 * and one scan: only a text holding U+FFFD (what Node makes of bytes that are not UTF-8, or the
 * character itself) is read again as bytes.
 */
export function readManifestFile(path: string): ManifestText {
  const text = readFileSync(path, 'utf8');
  if (!text.includes('\uFFFD')) return { text };
  return decodeManifestBytes(readFileSync(path));
}
