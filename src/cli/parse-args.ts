import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../manifest/closest-match.ts';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs, with its errors reworded the one way every command words them (exit 2, one
 * line, no stack): "unknown option '--x' (did you mean '--y'?)", "option '--x' needs a value",
 * "option '--x' takes no value", "option '--x' given twice; give it once", "unexpected argument 'x'".
 * An empty value (`--repo=` from `--repo=$UNSET`) is a missing one; an option that takes a value is
 * given once, unless it is `multiple` (validate's --target). The CLI's entry adds where help is.
 */
export function parseArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    const parsed = nodeParseArgs({ args: argv, options, allowPositionals, strict: true, tokens: true });
    checkValues(parsed.tokens, options);
    return parsed;
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(describeParseError(err, { argv, options }));
  }
}

/** Values node:util takes silently: an empty one, and a second of an option given once. */
function checkValues(
  tokens: readonly { kind: string; name?: string; rawName?: string; value?: string | undefined }[],
  options: Options,
): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    const option = options[token.name];
    if (option?.type !== 'string') continue;
    if (token.value === '')
      throw new UsageError(`option '${token.rawName ?? `--${token.name}`}' needs a value`);
    if (option.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`option '--${token.name}' given twice; give it once`);
    seen.add(token.name);
  }
}

function describeParseError(err: unknown, given: { argv: readonly string[]; options: Options }): string {
  const { argv, options } = given;
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-{1,2}[^' <]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const names = Object.keys(options).map((n) => `--${n}`);
    const close = closestMatch(option, names);
    return `unknown option '${option}'${close ? ` (did you mean '${close}'?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/argument missing/.test(message)) return `option '${option}' needs a value`;
    // node:util refuses `--base -x` as ambiguous: -x may be the value, or an option the value was forgotten before.
    if (/argument is ambiguous/.test(message)) return needsValue(option, argv, options);
    return `option '${option}' takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1];
    return `unexpected argument${arg === undefined ? '' : ` '${arg}'`}`;
  }
  return message;
}

/** `--base -x`: the value it takes, and how to give one that starts with '-' when the next word is not an option. */
function needsValue(option: string, argv: readonly string[], options: Options): string {
  const next = argv[argv.indexOf(option) + 1];
  if (next === undefined || isOptionWord(next, options)) return `option '${option}' needs a value`;
  const name = Object.entries(options).find(([n, o]) => `--${n}` === option || `-${o.short}` === option)?.[0];
  return `option '${option}' needs a value; a value that starts with '-' is written --${name ?? option.replace(/^-+/, '')}=${next}`;
}

/** Whether a word on the command line is one of the options (`--head`, `--head=x`, `-h`), not a value. */
function isOptionWord(word: string, options: Options): boolean {
  const name = word.startsWith('--') ? word.slice(2).split('=')[0] : undefined;
  if (name !== undefined) return name in options;
  return Object.values(options).some((o) => o.short !== undefined && word === `-${o.short}`);
}

/** A required option: "missing --revision (a full 40-character commit SHA)". */
export function requireOption(name: string, value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${name} (${what})`);
  return value;
}

export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`option '--${name}' must be one of ${allowed.join(', ')} (got '${value}')`);
}
