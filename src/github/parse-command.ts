import MarkdownIt from 'markdown-it';

/**
 * A comment command Ferry acts on, or one it cannot read: `/rollback production now`, `/preview
 * please` (Ferry answers with the usage rather than stay silent while someone waits for a rollback).
 */
export type Command =
  | { name: 'preview' }
  | { name: 'rollback'; target?: string }
  | { name: 'malformed'; command: 'preview' | 'rollback'; line: string };

// A target name as config allows it (DNS-label-like); anything else is not our command.
const TARGET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

// CommonMark exactly (no GFM extensions, no HTML rendering: we only read the block structure).
const markdown = new MarkdownIt('commonmark');

/**
 * Reads a command from a comment: the comment's first line must be `/preview` or
 * `/rollback [target]`, and, read as CommonMark the way GitHub shows it, that line must begin a
 * top-level paragraph. So a command in code (indented four spaces or fenced), in a quote
 * (`> /rollback`, as when replying to another comment), in a list or a heading is only text.
 */
export function parseCommand(body: string | null | undefined): Command | undefined {
  const text = body ?? '';
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((line) => line.trim() !== '');
  const first = lines[index];
  if (first === undefined) return undefined;
  const command = parseCommandLine(first.trim());
  if (!command || !startsParagraph(text, index)) return undefined;
  return command;
}

function parseCommandLine(line: string): Command | undefined {
  const [word = '', arg, extra] = line.split(/\s+/);
  // `/Rollback` is `/rollback` typed on a phone: the name is read in any case, the target as written.
  const name = word.toLowerCase();
  if (name !== '/preview' && name !== '/rollback') return undefined;
  const command = name === '/preview' ? 'preview' : 'rollback';
  if (extra === undefined) {
    if (command === 'preview' && arg === undefined) return { name: 'preview' };
    if (command === 'rollback' && arg === undefined) return { name: 'rollback' };
    if (command === 'rollback' && arg !== undefined && TARGET.test(arg))
      return { name: 'rollback', target: arg };
  }
  return { name: 'malformed', command, line };
}

/** The first block of the document is a paragraph at the top level, starting on `line` (0-based). */
function startsParagraph(text: string, line: number): boolean {
  const [block] = markdown.parse(text, {});
  return block?.type === 'paragraph_open' && block.level === 0 && block.map?.[0] === line;
}
