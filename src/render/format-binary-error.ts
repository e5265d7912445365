/** Longest message kept: a finding is one line in a PR comment, not a log. */
const MAX_MESSAGE = 400;

/** Lines kubectl and helm print that say nothing about the cause. */
const NOISE = [
  /^Use --debug flag to render out invalid YAML/,
  // helm 3 and helm 4 on a linked file in a chart (a chart rendered without its disabled dependencies).
  /^walk\.go:\d+: /,
  /^level=INFO msg="found symbolic link in path/,
  /^WARNING: /,
];

/**
 * A failed binary's stderr → one clean line: noise dropped, the `Error:` line and its indented
 * continuation joined, absolute paths under the repository made repo-relative, bounded length.
 */
export function formatBinaryError(stderr: string, opts: { root: string; code: number }): string {
  const lines = cleanBinaryOutput(stderr, opts).split('\n');
  const errorAt = lines.findIndex((l) => /^error:/i.test(l));
  const kept = errorAt >= 0 ? lines.slice(errorAt) : lines;
  const message = kept
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/^error:\s*/i, '')
    .trim();
  if (message === '') return `exited with code ${opts.code}`;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

/**
 * A failed binary's stderr in full, for a finding's `detail`: noise lines dropped and absolute paths
 * under the repository made repo-relative (no path of the machine reaches a comment), nothing cut.
 */
export function cleanBinaryOutput(stderr: string, opts: { root: string }): string {
  const lines = stderr
    .replaceAll(`${opts.root}/`, '')
    .replaceAll(opts.root, '.')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !NOISE.some((n) => n.test(l)));
  return sortSchemaViolations(lines).join('\n');
}

/**
 * helm lists a chart's values-schema violations (`- at '/replicaCount': got string, want integer`) in
 * Go's map order, which changes from run to run: sorted, the same values give the same finding (a PR
 * comment does not change on a push that changes nothing, and the finding's line is the same one).
 */
function sortSchemaViolations(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && SCHEMA_VIOLATION.test(lines[end] ?? '')) end++;
    if (end > i) {
      out.push(...lines.slice(i, end).sort());
      i = end;
    } else {
      out.push(lines[i] ?? '');
      i++;
    }
  }
  return out;
}
const SCHEMA_VIOLATION = /^- at '/;
