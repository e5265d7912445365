import { link, shortSha } from './markdown.ts';
import { commitUrl } from './render-summary-block.ts';
import type { Report } from './report.ts';

/** `Ferry · head abc1234 · base def5678`: the commit this body describes. */
export function renderFooter(report: Report): string {
  const head = link(shortSha(report.headSha), commitUrl(report, report.headSha));
  const base = report.baseSha
    ? ` · base ${link(shortSha(report.baseSha), commitUrl(report, report.baseSha))}`
    : '';
  return `<sub>Ferry · head ${head}${base}</sub>`;
}
