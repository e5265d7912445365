import { isMap, isScalar, isSeq, type Node } from 'yaml';

/** The key path (`['targets', 0, 'prune']`) of the map key that starts at `offset`, if any. */
export function pathOfKeyAt(root: Node | null | undefined, offset: number): PropertyKey[] | undefined {
  const walk = (node: unknown, path: PropertyKey[]): PropertyKey[] | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = isScalar(key) ? String(key.value) : '?';
        if (key?.range?.[0] === offset) return [...path, name];
        const found = walk(pair.value, [...path, name]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = walk(node.items[i], [...path, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(root, []);
}
