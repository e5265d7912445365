import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { KUSTOMIZATION_FILES } from './detect-renderer.ts';

/** Leading bytes of file formats people name by mistake, and what to call them. */
const MAGIC: readonly { bytes: readonly number[]; at?: number; what: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive' },
  { bytes: [0x75, 0x73, 0x74, 0x61, 0x72], at: 257, what: 'a tar archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable (ELF)' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
];

/**
 * Why a file named as a path (a `ferry validate` PATH, a target's `path`) is not read as manifests, or
 * undefined when it may be one. A kustomization file or a Chart.yaml is its folder's recipe, not a
 * manifest: its folder is what renders. A packaged chart (`helm package`'s .tgz), another archive or a
 * binary would otherwise be refused as text that is not UTF-8, which says nothing of what it is.
 * `shown` is the file as the user sees it (repo-relative).
 */
export async function describeNamedFile(abs: string, shown: string): Promise<string | undefined> {
  const name = basename(abs);
  const folder = dirname(shown) === '.' ? '.' : dirname(shown);
  if ((KUSTOMIZATION_FILES as readonly string[]).includes(name))
    return `this is a kustomization file, which kubectl kustomize builds with its folder, not a Kubernetes manifest: name its folder (${folder}) instead`;
  if (name === 'Chart.yaml')
    return `this is a Helm chart's Chart.yaml, which helm template renders with its folder, not a Kubernetes manifest: name its folder (${folder}) instead`;
  const head = await readHead(abs, 512);
  const magic = MAGIC.find(({ bytes, at = 0 }) => bytes.every((b, i) => head[at + i] === b));
  const what = magic?.what ?? (head.includes(0) ? 'a binary file (it holds NUL bytes)' : undefined);
  if (what === undefined) return undefined;
  if (magic?.what === 'a gzip archive' && /\.(tgz|tar\.gz)$/i.test(name))
    return `this is ${what}, a packaged Helm chart by its name: Ferry does not read packaged charts; unpack it (tar xzf ${name}) and name the chart's folder, or name the chart's source folder`;
  return `this is ${what}, not YAML or JSON: Ferry reads manifests as text; name the manifests' files or folder instead`;
}

async function readHead(abs: string, length: number): Promise<Buffer> {
  const handle = await open(abs, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
