import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

export interface UnifiedDiffOptions {
  /** Names the resource in the `---`/`+++` headers, e.g. `Deployment ml/api`. */
  label: string;
  /** Normalised YAML of the base side; absent when the resource is new. */
  before?: string;
  /** Normalised YAML of the head side; absent when the resource is removed. */
  after?: string;
  /** Lines of context around each change. */
  context?: number;
  /**
   * Largest edit distance (in lines) jsdiff explores before giving up. Myers' diff is O(N·D): a
   * generated 50,000-line ConfigMap rewritten end to end would take seconds, and the clock-based
   * `timeout` option would make output depend on machine load, so the bound is on work instead.
   */
  maxEditLength?: number;
}

const DEFAULT_CONTEXT = 3;
const DEFAULT_MAX_EDIT_LENGTH = 4_000;

/**
 * A unified diff of two YAML texts with headers naming the resource; '' when they are equal. A new
 * resource diffs against `/dev/null` (every line added), a removed one the other way round.
 */
export function formatUnifiedDiff(opts: UnifiedDiffOptions): string {
  const { label, before, after } = opts;
  if (before === after) return '';
  if (before === undefined) return wholeFile('+', '/dev/null', `${label} (head)`, after ?? '');
  if (after === undefined) return wholeFile('-', `${label} (base)`, '/dev/null', before);
  const patch = patchOfMiddle(label, before, after, {
    context: opts.context ?? DEFAULT_CONTEXT,
    maxEditLength: opts.maxEditLength ?? DEFAULT_MAX_EDIT_LENGTH,
  });
  if (patch !== undefined) return patch;
  return [
    `--- ${label} (base)`,
    `+++ ${label} (head)`,
    `@@ too large to diff line by line: ${countLines(before)} lines before, ${countLines(after)} after @@`,
    '',
  ].join('\n');
}

/**
 * jsdiff's patch of the lines between the two texts' common first and last lines, with `context` of
 * those kept on each side, its hunk ranges moved back to the whole texts' line numbers: the same
 * text as jsdiff's patch of the whole texts (hunks never reach further than `context` into unchanged
 * lines; a property test compares them), without tokenizing and walking the unchanged rest. A typical
 * changed resource differs in a line or two of forty, and such a middle is printed without jsdiff.
 */
function patchOfMiddle(
  label: string,
  before: string,
  after: string,
  limits: { context: number; maxEditLength: number },
): string | undefined {
  const { context } = limits;
  const a = before.split('\n');
  const b = after.split('\n');
  // The last element ('' after a final newline, else the last line) stays in both windows, so
  // jsdiff sees each text's own ending ("\ No newline at end of file").
  const limit = Math.min(a.length, b.length) - 1;
  let head = 0;
  while (head < limit && a[head] === b[head]) head++;
  let tail = 0;
  while (a.at(-1) === b.at(-1) && tail < limit - head && a[a.length - 2 - tail] === b[b.length - 2 - tail])
    tail++;
  const skipHead = Math.max(0, head - context);
  const skipTail = Math.max(0, tail - context);
  const direct = directHunk({ label, a, b, head, tail, skipHead, ...limits });
  if (direct !== undefined) return direct;
  // The text from line skipHead on, without its last skipTail lines (each ends with a newline).
  const window = (lines: string[]): string =>
    skipTail === 0
      ? lines.slice(skipHead).join('\n')
      : lines
          .slice(skipHead, lines.length - 1 - skipTail)
          .map((line) => `${line}\n`)
          .join('');
  const patch = createTwoFilesPatch(
    `${label} (base)`,
    `${label} (head)`,
    skipHead + skipTail === 0 ? before : window(a),
    skipHead + skipTail === 0 ? after : window(b),
    undefined,
    undefined,
    { ...limits, headerOptions: FILE_HEADERS_ONLY },
  );
  if (patch === undefined || skipHead === 0) return patch;
  return patch.replace(
    /^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$/gm,
    (_, oldStart: string, oldCount = '', newStart: string, newCount = '') =>
      `@@ -${Number(oldStart) + skipHead}${oldCount} +${Number(newStart) + skipHead}${newCount} @@`,
  );
}

/** Changed middles up to this many lines a side are checked for a hunk built without jsdiff. */
const MAX_DIRECT_LINES = 16;

/**
 * The patch jsdiff makes of the window, built directly when the changed middle cannot be aligned
 * more than one way: both texts end with a newline (no "\ No newline" marker) and no line of either
 * side's middle appears in the other side's middle or in the context after it. Then every shortest
 * edit deletes the whole old middle and inserts the whole new one, and jsdiff prints the deletions
 * first, as one hunk (a property test compares the two on texts built to hit both paths). A typical
 * changed resource (one value edited) takes this path. Undefined when the middle does not qualify.
 */
function directHunk(w: {
  label: string;
  a: string[];
  b: string[];
  head: number;
  tail: number;
  /** The common first lines left out before the hunk's context. */
  skipHead: number;
  context: number;
  maxEditLength: number;
}): string | undefined {
  const { a, b, head, tail, skipHead } = w;
  // Each text ends with a newline: its last element is ''.
  if (a[a.length - 1] !== '' || b[b.length - 1] !== '') return undefined;
  const aEnd = a.length - 1 - tail;
  const bEnd = b.length - 1 - tail;
  const removed = aEnd - head;
  const added = bEnd - head;
  // jsdiff gives up (undefined) past maxEditLength; disjoint middles need exactly removed + added.
  if (removed > MAX_DIRECT_LINES || added > MAX_DIRECT_LINES || removed + added > w.maxEditLength)
    return undefined;
  const after = Math.min(tail, w.context);
  for (let i = head; i < aEnd; i++) {
    const line = a[i];
    for (let j = head; j < bEnd + after; j++) if (b[j] === line) return undefined;
  }
  for (let j = head; j < bEnd; j++) {
    const line = b[j];
    for (let i = aEnd; i < aEnd + after; i++) if (a[i] === line) return undefined;
  }
  const before = head - skipHead;
  const oldLines = before + removed + after;
  const newLines = before + added + after;
  // jsdiff numbers an empty range from the line before it (`-0,0`).
  const oldStart = skipHead + (oldLines === 0 ? 0 : 1);
  const newStart = skipHead + (newLines === 0 ? 0 : 1);
  let out = patchHeader(
    `${w.label} (base)`,
    `${w.label} (head)`,
    `-${oldStart},${oldLines} +${newStart},${newLines}`,
  );
  for (let i = skipHead; i < head; i++) out += ` ${a[i]}\n`;
  for (let i = head; i < aEnd; i++) out += `-${a[i]}\n`;
  for (let j = head; j < bEnd; j++) out += `+${b[j]}\n`;
  for (let i = aEnd; i < aEnd + after; i++) out += ` ${a[i]}\n`;
  return out;
}

// Built directly: a diff against nothing needs no edit script, and on a 5,000-resource change set
// this is most of the output.
function wholeFile(sign: '+' | '-', oldName: string, newName: string, text: string): string {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const range = sign === '+' ? `-0,0 +1,${lines.length}` : `-1,${lines.length} +0,0`;
  return `${patchHeader(oldName, newName, range)}${lines.map((l) => sign + l).join('\n')}\n`;
}

/** The file headers and the one hunk's range line of a patch built without jsdiff. */
function patchHeader(oldName: string, newName: string, range: string): string {
  return `--- ${oldName}\n+++ ${newName}\n@@ ${range} @@\n`;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
