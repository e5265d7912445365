import { describe, expect, it } from 'vitest';
import { expandAliases } from '../../src/manifest/expand-aliases.ts';

describe('expandAliases', () => {
  it('copies shared objects into independent ones', () => {
    const shared = { a: [1, 2] };
    const result = expandAliases({ x: shared, y: shared }, { maxDepth: 10, maxNodes: 100 });
    if (!('value' in result)) throw new Error('expected a value');
    const value = result.value as { x: { a: number[] }; y: { a: number[] } };
    expect(value).toEqual({ x: { a: [1, 2] }, y: { a: [1, 2] } });
    expect(value.x).not.toBe(value.y);
    expect(value.x).not.toBe(shared);
  });

  it('stops past the node budget', () => {
    const row = Array(50).fill(1);
    expect(expandAliases([row, row, row], { maxDepth: 10, maxNodes: 100 })).toEqual({ exceeded: 'nodes' });
  });

  it('stops past the depth limit', () => {
    expect(expandAliases({ a: { b: { c: {} } } }, { maxDepth: 3, maxNodes: 100 })).toEqual({
      exceeded: 'depth',
    });
    expect(expandAliases({ a: { b: { c: 1 } } }, { maxDepth: 3, maxNodes: 100 })).toEqual({
      value: { a: { b: { c: 1 } } },
    });
  });
});
