/** A comment command Ferry acts on. */
export type Command = { name: 'preview' } | { name: 'rollback'; target?: string };

// A target name as config allows it (DNS-label-like); anything else is not our command.
const TARGET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Reads a command from a comment: the first non-empty line must be `/preview` or
 * `/rollback [target]`. Commands quoted from another comment (`> /rollback`) or inside code are
 * not on the first line's start, so they are not commands.
 */
export function parseCommand(body: string | null | undefined): Command | undefined {
  const first = (body ?? '').split(/\r?\n/).find((line) => line.trim() !== '');
  if (!first) return undefined;
  const words = first.trim().split(/\s+/);
  const [name, arg, extra] = words;
  if (extra !== undefined) return undefined;
  if (name === '/preview' && arg === undefined) return { name: 'preview' };
  if (name === '/rollback') {
    if (arg === undefined) return { name: 'rollback' };
    if (TARGET.test(arg)) return { name: 'rollback', target: arg };
  }
  return undefined;
}
