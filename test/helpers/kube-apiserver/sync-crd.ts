import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The Sync CRD exactly as infra/agent installs it, so tests write through its real schema. */
export function loadSyncCrd(): Record<string, unknown> {
  return parse(readFileSync(join(root, 'infra', 'agent', 'crd-sync.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The Preview CRD exactly as infra/agent installs it. */
export function loadPreviewCrd(): Record<string, unknown> {
  return parse(readFileSync(join(root, 'infra', 'agent', 'crd-preview.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
}
