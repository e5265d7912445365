import { parsePointer } from '../manifest/line-of.ts';
import type { ResourceId } from '../types.ts';

/**
 * A generated field whose change the diff may leave out: a Secret's value (shown redacted anyway) or a
 * `checksum…` annotation (a hash that only rolls the pods). Elsewhere a field holding a random part
 * could carry a real change beside it (an image `evil:{{ randAlphaNum 4 }}` in place of `app:…`), so
 * it stays in the diff, noisy rather than hidden. `pointer` is a JSON pointer into the object.
 */
export function isMaskableGenerated(id: ResourceId, pointer: string): boolean {
  const path = parsePointer(pointer);
  const isSecret = id.kind === 'Secret' && id.group === '';
  if (isSecret && path.length === 2 && (path[0] === 'data' || path[0] === 'stringData')) return true;
  const key = path[path.length - 1] ?? '';
  return path[path.length - 2] === 'annotations' && /checksum/i.test(key);
}
