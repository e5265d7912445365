import { dnsLabelProblem } from '../validate/schema/name-format.ts';
import { UsageError } from './usage-error.ts';

/**
 * `--namespace NS`, where a command's Sync or Preview lives, checked before any request: a namespace
 * name is a DNS-1123 label (as in .github/ferry.yml), and the API server's own refusal comes later and
 * reads less plainly.
 */
export function parseNamespace(value: string): string {
  if (dnsLabelProblem(value) === undefined) return value;
  throw new UsageError(
    `option '--namespace' must be a namespace name, a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (got '${value}')`,
  );
}
