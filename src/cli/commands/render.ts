import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../config/load-config.ts';
import { renderTarget } from '../../render/render-target.ts';
import { parseArgs } from '../parse-args.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: ferry render TARGET [--repo DIR]

Prints the resources a target renders to (kustomize, helm or plain YAML), as multi-document
YAML, each preceded by a '# Source: file:line' comment. Exit 1 when the render fails.`;

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
  const root = resolve(values.repo ?? '.');
  const { config } = await loadConfig(root);
  const name = positionals[0] ?? (config.targets.length === 1 ? config.targets[0]?.name : undefined);
  if (!name || positionals.length > 1)
    throw new UsageError(`give one TARGET (targets: ${config.targets.map((t) => t.name).join(', ')})`);
  const target = config.targets.find((t) => t.name === name);
  if (!target)
    throw new UsageError(`no target '${name}' (targets: ${config.targets.map((t) => t.name).join(', ')})`);
  const result = await renderTarget({ root, target });
  for (const f of result.findings) console.error(`${f.file}:${f.line}: ${f.severity}: ${f.message}`);
  if (result.failed) return 1;
  const docs = result.resources.map(
    (r) => `# Source: ${r.file}:${r.line}\n${stringify(r.object, { lineWidth: 0 })}`,
  );
  process.stdout.write(docs.join('---\n'));
  return 0;
}
