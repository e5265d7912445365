import { createColors } from 'picocolors';
import { quoteUnsafe } from '../manifest/quote-unsafe.ts';
import { type Finding, SEVERITY_RANK } from '../types.ts';
import { toTerminalLine } from './to-terminal.ts';

/**
 * Findings for people: grouped by file, errors first within a line, a one-line tally at the end. A
 * finding several targets share is one line ending in the targets (`[staging, prod]`).
 * File names and messages come from the repository: they pass through toTerminalLine (and a file name
 * through quoteUnsafe) before colour.
 */
export function formatFindings(
  findings: readonly (Finding & { targets?: readonly string[] })[],
  opts: { color: boolean; resources: number },
): string {
  return [...findingLines(findings, opts)].join('\n');
}

/** formatFindings a line at a time (without line ends), for a report too large to hold as one string. */
export function* findingLines(
  findings: readonly (Finding & { targets?: readonly string[] })[],
  opts: { color: boolean; resources: number },
): Generator<string> {
  const c = createColors(opts.color);
  const byFile = new Map<string, (Finding & { targets?: readonly string[] })[]>();
  for (const f of findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  for (const file of [...byFile.keys()].sort()) {
    yield c.underline(toTerminalLine(quoteUnsafe(file)));
    const list = (byFile.get(file) ?? []).sort(
      (a, b) => a.line - b.line || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
    );
    for (const f of list) {
      const sev =
        f.severity === 'error'
          ? c.red('error  ')
          : f.severity === 'warning'
            ? c.yellow('warning')
            : c.blue('info   ');
      const where = c.dim(`${String(f.line).padStart(4)}`);
      const resource = f.resource ? c.dim(`  (${toTerminalLine(f.resource)})`) : '';
      const targets =
        f.targets && f.targets.length > 0 ? c.dim(`  [${toTerminalLine(f.targets.join(', '))}]`) : '';
      yield `${where}  ${sev}  ${toTerminalLine(f.message)}  ${c.dim(toTerminalLine(f.rule))}${resource}${targets}`;
      // The tool's own message in full, indented under the finding.
      if (f.detail) for (const l of f.detail.split('\n')) yield c.dim(`        │ ${toTerminalLine(l)}`);
    }
    yield '';
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const tally = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(opts.resources, 'resource')}`;
  yield errors > 0 ? c.red(`✖ ${tally}`) : c.green(`✔ ${tally}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
