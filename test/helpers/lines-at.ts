import type { Resource } from '../../src/types.ts';

/** The lines a resource knows for these JSON pointers (the lazy `lines` or an eager `pointers` map). */
export function linesAt(
  resource: Resource | undefined,
  pointers: readonly string[],
): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const p of pointers) out[p] = resource?.pointers?.[p] ?? resource?.lines?.lineOf(p);
  return out;
}

/** The line a resource knows for one JSON pointer. */
export function lineAt(resource: Resource | undefined, pointer: string): number | undefined {
  return linesAt(resource, [pointer])[pointer];
}
