import type { z } from 'zod';
import { closestMatch } from '../manifest/closest-match.ts';
import { KNOWN_KEYS } from './config-schema.ts';

/** One problem in `.github/ferry.yml`: the key path it is about and what is wrong. */
export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * A zod issue → problems with messages that name the key path, e.g.
 * `targets[0].prun: unknown key (did you mean "prune"?)`. One issue about unknown keys becomes one problem
 * per key, so each gets its own line.
 */
export function formatConfigIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const pattern = pathPattern(path);
    const input = (issue as { input?: unknown }).input;
    const provider = isRecord(input) && typeof input.provider === 'string' ? input.provider : undefined;
    const known = (provider && KNOWN_KEYS[`${pattern}.${provider}`]) || KNOWN_KEYS[pattern] || [];
    return issue.keys.map((key) => {
      const near = closestMatch(key, known);
      const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`;
      return { path: [...path, key], message: `${formatConfigPath([...path, key])}: unknown key (${hint})` };
    });
  }
  return [{ path, message: `${formatConfigPath(path)}: ${describeIssue(issue)}` }];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required';
      // A message set in the schema (e.g. kubernetesVersion's quoting hint) says more than the generic one.
      if (!issue.message.startsWith('Invalid input')) return issue.message;
      return `expected ${article(issue.expected)}, got ${describeValue(input)}`;
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const near = typeof input === 'string' ? closestMatch(input, issue.values.map(String)) : undefined;
      const got = input === undefined ? 'nothing' : JSON.stringify(input);
      return `must be ${options.length === 1 ? options[0] : `one of ${options.join(', ')}`}, got ${got}${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    case 'invalid_union': {
      // A discriminated union (cluster.provider) reports the options it expected.
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        // The issue's input is the object holding the discriminator, not the discriminator's value.
        const key = (issue as { discriminator?: string }).discriminator ?? '';
        const value = isRecord(input) ? input[key] : undefined;
        const expected = options.map((o) => JSON.stringify(o)).join(' or ');
        return value === undefined
          ? `required (${expected})`
          : `must be ${expected}, got ${JSON.stringify(value)}`;
      }
      return 'does not match any allowed form';
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return issue.message;
    default:
      return issue.message;
  }
}

/** `targets[0].cluster.name`; the root is `(file)`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** `['targets', 0, 'helm']` → `targets.*.helm`, the key of KNOWN_KEYS. */
function pathPattern(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? '*' : String(segment))).join('.');
}

function article(type: string): string {
  if (type === 'object') return 'a mapping (key: value)';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}
