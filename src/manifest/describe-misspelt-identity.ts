import { closestMatch } from './closest-match.ts';

/**
 * For a document with neither apiVersion nor kind: when it has `metadata` and a key one or two edits from
 * `apiVersion` or `kind` (`apiVerison`, `knd`), it is a manifest with a typo, not a values or config file;
 * the finding says which keys to fix. Undefined for anything else (those documents are skipped).
 */
export function describeMisspeltIdentity(object: Record<string, unknown>): string | undefined {
  if (typeof object.metadata !== 'object' || object.metadata === null) return undefined;
  const keys = Object.keys(object);
  const hints: string[] = [];
  for (const wanted of ['apiVersion', 'kind']) {
    const near = closestMatch(wanted, keys);
    if (near !== undefined) hints.push(`"${near}" → "${wanted}"`);
  }
  if (hints.length === 0) return undefined;
  return `document looks like a Kubernetes object but has no apiVersion and no kind, so it is not applied: did you mean ${hints.join(', ')}?`;
}
