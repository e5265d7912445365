import { formatResourceId } from '../manifest/resource-id.ts';
import type { Action, Change, ChangeSet } from '../types.ts';
import { codeBlock, escapeHtml, formatCount } from './markdown.ts';

/** One collapsible per-resource diff of a report. */
export interface DiffBlock {
  target: string;
  change: Change;
  text: string;
}

const ACTION_LABEL: Readonly<Record<Action, string>> = {
  added: '➕ added',
  removed: '➖ removed',
  changed: '✏️ changed',
  unchanged: 'unchanged',
};

/**
 * A `<details>` block per added, changed or removed resource, in change order. A diff longer than
 * `maxDiffChars` keeps its head and says how much was cut, so one giant ConfigMap cannot crowd out
 * every other diff.
 */
export function renderDiffBlocks(
  changeSets: readonly ChangeSet[],
  opts: { maxDiffChars: number },
): DiffBlock[] {
  const several = changeSets.length > 1;
  const blocks: DiffBlock[] = [];
  for (const cs of changeSets) {
    for (const change of cs.changes) {
      if (change.action === 'unchanged' || change.diff === '') continue;
      const { plus, minus } = countLines(change.diff);
      const name = `<code>${escapeHtml(formatResourceId(change.id))}</code>`;
      const where = several ? ` in ${escapeHtml(cs.target)}` : '';
      const summary = `${ACTION_LABEL[change.action]} ${name}${where} · +${formatCount(plus)} −${formatCount(minus)}`;
      const body = codeBlock(truncateDiff(change.diff, opts.maxDiffChars), 'diff');
      blocks.push({
        target: cs.target,
        change,
        text: `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`,
      });
    }
  }
  return blocks;
}

/** The head of `diff` that fits in `maxChars` (whole lines), with a note of what was cut. */
export function truncateDiff(diff: string, maxChars: number): string {
  if (diff.length <= maxChars) return diff;
  const budget = Math.max(0, maxChars - 60);
  const cut = diff.lastIndexOf('\n', budget);
  const head = cut > 0 ? diff.slice(0, cut + 1) : '';
  const rest = countNewlines(diff.slice(head.length));
  return `${head}… (truncated: ${formatCount(rest)} more lines)\n`;
}

function countLines(diff: string): { plus: number; minus: number } {
  let plus = 0;
  let minus = 0;
  // The first two lines are the `---`/`+++` headers.
  for (const line of diff.split('\n').slice(2)) {
    if (line.startsWith('+')) plus++;
    else if (line.startsWith('-')) minus++;
  }
  return { plus, minus };
}

function countNewlines(text: string): number {
  let n = text.endsWith('\n') ? 0 : 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
