import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { closestMatch } from '../manifest/closest-match.ts';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs, with its errors reworded the one way every command words them (exit 2, one
 * line, no stack): "unknown option '--x' (did you mean '--y'?)", "option '--x' needs a value",
 * "option '--x' takes no value", "unexpected argument 'x'". The CLI's entry adds where help is.
 */
export function parseArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return nodeParseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, options));
  }
}

function describeParseError(err: unknown, options: Options): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-{1,2}[^' <]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const names = Object.keys(options).map((n) => `--${n}`);
    const close = closestMatch(option, names);
    return `unknown option '${option}'${close ? ` (did you mean '${close}'?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing/.test(message)
      ? `option '${option}' needs a value`
      : `option '${option}' takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1];
    return `unexpected argument${arg === undefined ? '' : ` '${arg}'`}`;
  }
  return message;
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
