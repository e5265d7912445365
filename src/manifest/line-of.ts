import type { Resource } from '../types.ts';

/** JSON-pointer escaping (RFC 6901): `~` → `~0`, `/` → `~1`. */
export function formatPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** A JSON pointer's keys, unescaped (formatPointer's inverse, with array indexes as strings). */
export function parsePointer(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * The line of `path` inside a resource: the deepest ancestor whose line is known,
 * else the document's first line. Findings point at the field, not the file. The first lookup in a
 * document read by the fast path scans its text for them, or composes it with the `yaml` package when
 * the scan cannot read it (only documents with findings pay).
 */
export function lineOf(resource: Resource, path: readonly (string | number)[] = []): number {
  return locationOf(resource, path).line;
}

/**
 * The file and line of `path` inside a resource, like `lineOf`, for fields written in another file
 * than the object (a kustomize patch, a Helm values file): `pointerFiles` says which.
 */
export function locationOf(
  resource: Resource,
  path: readonly (string | number)[] = [],
): { file: string; line: number } {
  const { pointers, lines } = resource;
  if (pointers || lines) {
    for (let n = path.length; n > 0; n--) {
      const pointer = formatPointer(path.slice(0, n));
      const line = pointers?.[pointer] ?? lines?.lineOf(pointer);
      if (line === undefined) continue;
      const file =
        resource.pointerFiles?.[pointer] ??
        (pointers?.[pointer] === undefined ? lines?.fileOf?.(pointer) : undefined);
      return { file: file ?? resource.file, line };
    }
  }
  return { file: resource.file, line: resource.line };
}

/** Every field line a resource knows (computing lazy ones): for mapping a rendered object to its sources. */
export function allLinesOf(resource: Resource): Readonly<Record<string, number>> {
  return resource.pointers ?? resource.lines?.all() ?? {};
}
