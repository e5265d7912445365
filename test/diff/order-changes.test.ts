import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareChanges, compareNatural, riskNoteOf, riskRankOf } from '../../src/diff/order-changes.ts';
import type { Action, Change } from '../../src/types.ts';

function change(action: Action, kind: string, name = 'x', namespace = 'ml'): Change {
  return { id: { group: '', kind, namespace, name }, apiVersion: 'v1', action, diff: '' };
}

describe('compareChanges', () => {
  it('puts removals first, riskiest kinds first, then additions, changes and unchanged', () => {
    const changes = [
      change('unchanged', 'Service'),
      change('changed', 'Deployment'),
      change('removed', 'ConfigMap'),
      change('added', 'Service'),
      change('removed', 'InferenceService'),
      change('removed', 'PersistentVolumeClaim'),
      change('removed', 'Namespace', 'ml', ''),
      change('removed', 'CustomResourceDefinition', 'evals.acme.dev', ''),
    ];
    expect(changes.sort(compareChanges).map((c) => `${c.action} ${c.id.kind}`)).toEqual([
      'removed Namespace',
      'removed PersistentVolumeClaim',
      'removed CustomResourceDefinition',
      'removed InferenceService',
      'removed ConfigMap',
      'added Service',
      'changed Deployment',
      'unchanged Service',
    ]);
  });

  it('orders by kind, namespace and name within an action', () => {
    const changes = [
      change('changed', 'Service', 'b'),
      change('changed', 'Service', 'a', 'z'),
      change('changed', 'Service', 'a'),
    ];
    expect(changes.sort(compareChanges).map((c) => `${c.id.namespace}/${c.id.name}`)).toEqual([
      'ml/a',
      'ml/b',
      'z/a',
    ]);
  });

  it('knows what deleting a risky kind does', () => {
    expect(riskNoteOf('PersistentVolumeClaim')).toBe('its data may be lost');
    expect(riskNoteOf('ConfigMap')).toBeUndefined();
    expect(riskRankOf('Namespace')).toBeLessThan(riskRankOf('StatefulSet'));
  });
});

describe('compareNatural', () => {
  it('orders numbered names by number, the same on every locale', () => {
    expect(['api-10', 'api-2', 'api-1', 'api-02', 'api', 'b-1', 'a-100'].sort(compareNatural)).toEqual([
      'a-100',
      'api',
      'api-1',
      'api-02',
      'api-2',
      'api-10',
      'b-1',
    ]);
  });

  it('is a total order consistent with equality', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(Math.sign(compareNatural(a, b)) + Math.sign(compareNatural(b, a))).toBe(0);
        expect(compareNatural(a, b) === 0).toBe(a === b);
      }),
    );
  });

  it('sorts the same whatever the input order (a consistent order)', () => {
    const names = fc.array(fc.stringMatching(/^[a0-9-]{0,6}$/), { maxLength: 12 });
    fc.assert(
      fc.property(names, (list) => {
        const sorted = [...list].sort(compareNatural);
        expect([...list].reverse().sort(compareNatural)).toEqual(sorted);
        for (let i = 1; i < sorted.length; i++) {
          expect(compareNatural(sorted[i - 1] as string, sorted[i] as string)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('orders as the slicing implementation it replaced (kept here as the reference)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[a0-9-]{0,8}$/),
      fc.stringMatching(/^(app|api)-[0-9]{1,6}(-[0-9]{1,3})?$/),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareNatural(a, b))).toBe(Math.sign(slicingCompareNatural(a, b)));
      }),
      { numRuns: 5000 },
    );
  });
});

function slicingCompareNatural(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length || i === b.length) return a.length - b.length;
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  if (!isDigit(a.charCodeAt(start)) || !isDigit(b.charCodeAt(start)))
    return a.charCodeAt(i) - b.charCodeAt(i);
  let endA = start;
  let endB = start;
  while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
  while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
  const x = a.slice(start, endA).replace(/^0+(?=\d)/, '');
  const y = b.slice(start, endB).replace(/^0+(?=\d)/, '');
  const byCodeUnit = (p: string, q: string) => (p < q ? -1 : p > q ? 1 : 0);
  return (
    x.length - y.length ||
    byCodeUnit(x, y) ||
    slicingCompareNatural(a.slice(endA), b.slice(endB)) ||
    byCodeUnit(a, b)
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
