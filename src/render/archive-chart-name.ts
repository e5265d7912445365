import { parseDocument } from 'yaml';

/** A packaged chart is small (helm's own charts are tens of KiB): more than this is not read. */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

/**
 * The `name` in the top-level `<dir>/Chart.yaml` of a packaged chart (a gzipped tar, as `helm package`
 * and `helm dependency build` write it), or undefined when the bytes are not one. helm matches a
 * dependency to the archives under charts/ by this name, not by the file's: NVIDIA's
 * k8s-device-plugin vendored node-feature-discovery as `node-feature-discovery-chart-0.17.3.tgz`.
 */
export function archiveChartName(gzipped: Uint8Array): string | undefined {
  let tar: Buffer;
  try {
    // Loaded here, not with the module: only a chart vendoring a `.tgz` needs zlib (~2 ms at start).
    const { gunzipSync } = process.getBuiltinModule('node:zlib');
    tar = gunzipSync(gzipped, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (err) {
    // Not gzip, or too large: not a chart helm would load either.
    if (err instanceof Error) return undefined;
    throw err;
  }
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isFinite(size) || size < 0) return undefined;
    const body = at + 512;
    if ((type === '0' || type === '\0') && /^[^/]+\/Chart\.yaml$/.test(path)) {
      const text = tar.subarray(body, body + size).toString('utf8');
      const value = parseDocument(text).get('name');
      return typeof value === 'string' ? value : undefined;
    }
    at = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** A NUL-terminated string field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}
