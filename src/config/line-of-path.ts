import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/**
 * The 1-based line of `path` in a parsed YAML document: the key's line for a map entry, the item's line
 * for a sequence item. When the path does not exist (a missing required key), the line of its deepest
 * existing ancestor; 1 when not even the root is known.
 */
export function lineOfPath(
  root: Node | null | undefined,
  path: readonly PropertyKey[],
  lineCounter: LineCounter,
): number {
  const lineAt = (node: Node | null | undefined): number | undefined => {
    const start = node?.range?.[0];
    return start === undefined ? undefined : lineCounter.linePos(start).line;
  };
  let line = lineAt(root) ?? 1;
  let node: unknown = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      line = lineAt(pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      line = lineAt(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}
