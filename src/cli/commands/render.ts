import { stringify } from 'yaml';
import { loadConfig } from '../../config/load-config.ts';
import { quoteUnsafe } from '../../manifest/quote-unsafe.ts';
import { renderTarget } from '../../render/render-target.ts';
import type { Resource } from '../../types.ts';
import { parseArgs } from '../parse-args.ts';
import { requireValidConfig } from '../require-valid-config.ts';
import { resolveWorkTree } from '../resolve-repo.ts';
import { toTerminalLine } from '../to-terminal.ts';
import { UsageError } from '../usage-error.ts';
import { writePieces } from '../write-pieces.ts';

const HELP = `usage: ferry render TARGET [--repo DIR]

Prints the resources a target renders to (kustomize, helm or plain YAML), as multi-document
YAML, each preceded by a '# Source: file:line' comment. Exit 1 when the render fails.
--repo defaults to the working directory's git root (from any folder of the repository), else the
working directory.`;

export async function renderCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    { repo: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const root = resolveWorkTree(values.repo);
  const loaded = await loadConfig(root);
  requireValidConfig(loaded);
  const { config, file } = loaded;
  const names = config.targets.map((t) => t.name).join(', ');
  const known = file
    ? `targets in ${file}: ${names}`
    : `no .github/ferry.yml, so the one target is '${names}'`;
  const [name, ...extra] = positionals;
  if (!name) throw new UsageError(`missing TARGET (${known})`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}': give one TARGET`);
  const target = config.targets.find((t) => t.name === name);
  if (!target) throw new UsageError(`no target '${name}' (${known})`);
  const result = await renderTarget({ root, target, kubernetesVersion: config.kubernetesVersion });
  for (const f of result.findings) {
    console.error(toTerminalLine(`${quoteUnsafe(f.file)}:${f.line}: ${f.severity}: ${f.message}`));
    // The tool's own message in full (kustomize's, helm's), indented under the finding.
    if (f.detail) for (const l of f.detail.split('\n')) console.error(`  │ ${toTerminalLine(l)}`);
  }
  if (result.failed) return 1;
  // A document at a time, each write drained before the next (a render is often piped to kubectl).
  await writePieces(renderedDocuments(result.resources));
  return 0;
}

function* renderedDocuments(resources: readonly Resource[]): Generator<string> {
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i] as Resource;
    yield `${i > 0 ? '---\n' : ''}# Source: ${r.file}:${r.line}\n${stringify(r.object, { lineWidth: 0 })}`;
  }
}
