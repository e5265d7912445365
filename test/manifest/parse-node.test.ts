import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, LineCounter, parseAllDocuments, stringify } from 'yaml';
import { KUBE_YAML_OPTIONS } from '../../src/manifest/kube-yaml-options.ts';
import { parseNode } from '../../src/manifest/parse-node.ts';

function parseOne(text: string) {
  const lineCounter = new LineCounter();
  const [doc] = parseAllDocuments(text, { ...KUBE_YAML_OPTIONS, lineCounter });
  if (!doc) throw new Error('no document');
  const parsed = parseNode(doc.contents, { lineAt: (pos) => lineCounter.linePos(pos).line, maxDepth: 128 });
  return { doc, parsed };
}

/** Follows an RFC 6901 pointer through plain data; undefined when a step is missing. */
function resolvePointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

const document = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { minKeys: 1 });

/** Keys that YAML 1.1 reads as strings (no `y`, `on`, `1_0`, `~`, `<<`), so no two collapse into one. */
const plainKey = fc.string({ maxLength: 6 }).map((s) => `k${s}`);
const plainDocument = fc.dictionary(
  plainKey,
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 0 }),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(plainKey, tie('value'), { maxKeys: 3 }),
    ),
  })).value,
  { minKeys: 1 },
);

function hasKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (!Array.isArray(value) && Object.hasOwn(value, key)) return true;
  return Object.values(value).some((child) => hasKey(child, key));
}

describe('parseNode', () => {
  it('yields the same value as yaml toJS, in block and flow style', () => {
    fc.assert(
      fc.property(document, fc.boolean(), (data, flow) => {
        const text = stringify(data, { collectionStyle: flow ? 'flow' : 'block' });
        const { doc, parsed } = parseOne(text);
        // A `<<` key is a YAML 1.1 merge key, deliberately left to toJS.
        expect(parsed.needsToJS).toBe(hasKey(data, '<<'));
        if (!parsed.needsToJS) expect(parsed.value).toEqual(doc.toJS());
      }),
      { numRuns: 300 },
    );
  });

  it('records a pointer for every key and item, each resolving to a value', () => {
    fc.assert(
      fc.property(plainDocument, (data) => {
        const { doc, parsed } = parseOne(stringify(data));
        let expected = 0;
        const count = (value: unknown): void => {
          if (value === null || typeof value !== 'object') return;
          for (const child of Object.values(value)) {
            expected++;
            count(child);
          }
        };
        count(parsed.value);
        expect(Object.keys(parsed.pointers)).toHaveLength(expected);
        for (const pointer of Object.keys(parsed.pointers)) {
          expect(resolvePointer(parsed.value, pointer)).not.toBeUndefined();
        }
        expect(isMap(doc.contents)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('flags aliases, merge keys and collection keys for toJS', () => {
    expect(parseOne('a: &x 1\nb: *x\n').parsed.needsToJS).toBe(true);
    expect(parseOne('a: {x: 1}\nb:\n  <<: {y: 2}\n').parsed.needsToJS).toBe(true);
    expect(parseOne('? [a, b]\n: c\n').parsed.needsToJS).toBe(true);
    expect(parseOne('a: [1, {b: c}]\n').parsed.needsToJS).toBe(false);
  });

  it('stops at maxDepth', () => {
    const lineCounter = new LineCounter();
    const [doc] = parseAllDocuments('a: [[[1]]]\n', { ...KUBE_YAML_OPTIONS, lineCounter });
    const lineAt = (pos: number) => lineCounter.linePos(pos).line;
    expect(parseNode(doc?.contents, { lineAt, maxDepth: 4 }).tooDeep).toBe(false);
    expect(parseNode(doc?.contents, { lineAt, maxDepth: 3 })).toMatchObject({ tooDeep: true, value: null });
  });
});
