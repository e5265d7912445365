import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PodSpecRef } from '../../../src/manifest/list-pod-specs.ts';
import { indexPodsByLabel } from '../../../src/validate/rules/index-pods-by-label.ts';
import {
  type LabelRequirement,
  matchLabelSelector,
} from '../../../src/validate/rules/match-label-selector.ts';

const key = fc.constantFrom('app', 'tier', 'pod-template-hash', 'serving.kserve.io/component', 'team');
const value = fc.constantFrom('a', 'b', 'c', 'predictor-x');
const labels = fc.dictionary(key, value, { maxKeys: 4 });
/** Added labels as list-pod-specs makes them: none, an exact key with value prefixes, key prefixes. */
const ADDED_LABELS = [
  [],
  [{ key: 'serving.kserve.io/component', valuePrefixes: ['predictor'] }],
  [{ key: 'serving.kserve.io/' }],
  [{ key: 'serving.kserve.io/' }, { key: 'app', valuePrefixes: ['predictor', 'b'] }],
  [{ key: 'team' }, { key: 'serving.' }],
];
const pod = fc.tuple(labels, fc.constantFrom(0, 0, 0, 1, 2, 3, 4)).map(([l, added]): PodSpecRef => {
  const addedLabels = ADDED_LABELS[added] ?? [];
  return {
    spec: {},
    path: [],
    labels: l,
    addedLabels,
    runsPods: true,
    component: '',
  } as unknown as PodSpecRef;
});
const requirement: fc.Arbitrary<LabelRequirement> = fc.record({
  key,
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Odd'),
  values: fc.array(value, { maxLength: 3 }),
});
const unknowable = new Set(['pod-template-hash']);

describe('indexPodsByLabel', () => {
  it('answers exactly as checking every pod template', () => {
    fc.assert(
      fc.property(fc.array(pod, { maxLength: 12 }), fc.array(requirement, { maxLength: 3 }), (pods, reqs) => {
        const linear = pods.some(
          (p) =>
            matchLabelSelector(reqs, p.labels, { addedLabels: p.addedLabels, unknowableKeys: unknowable }) !==
            'no',
        );
        expect(indexPodsByLabel(pods).hasMatch(reqs, { unknowableKeys: unknowable })).toBe(linear);
      }),
      { numRuns: 3000 },
    );
  });

  it('answers exactly as checking every template when templates come in parts between questions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(pod, { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.array(requirement, { maxLength: 3 }),
        fc.array(requirement, { maxLength: 3 }),
        (parts, asked, reqs) => {
          const index = indexPodsByLabel();
          const seen: PodSpecRef[] = [];
          for (const part of parts) {
            index.add(part);
            seen.push(...part);
            // Questions between parts fill the index's per-key tables, which later parts must extend.
            index.hasMatch(asked, { unknowableKeys: unknowable });
            const linear = seen.some(
              (p) =>
                matchLabelSelector(reqs, p.labels, {
                  addedLabels: p.addedLabels,
                  unknowableKeys: unknowable,
                }) !== 'no',
            );
            expect(index.hasMatch(reqs, { unknowableKeys: unknowable })).toBe(linear);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checks a selector that misses against the templates whose added labels could match it', () => {
    // KServe-like predictors (added labels under serving.kserve.io/ and `app` by value prefix) and one
    // template that may get `tier` from its controller.
    const pods = [
      ...Array.from(
        { length: 500 },
        (_, i) =>
          ({
            labels: { 'app.kubernetes.io/name': `isvc-${i}` },
            addedLabels: [{ key: 'serving.kserve.io/' }, { key: 'app', valuePrefixes: [`isvc-${i}-`] }],
          }) as unknown as PodSpecRef,
      ),
      { labels: { app: 'web' }, addedLabels: [{ key: 'tier' }] } as unknown as PodSpecRef,
    ];
    const index = indexPodsByLabel(pods);
    const has = (key: string, values: string[]) => index.hasMatch([{ key, operator: 'In', values }], {});
    expect(has('app.kubernetes.io/name', ['isvc-7'])).toBe(true);
    expect(has('app.kubernetes.io/name', ['other'])).toBe(false);
    expect(has('app', ['isvc-3-predictor'])).toBe(true);
    expect(has('app', ['web'])).toBe(true);
    expect(has('app', ['nothing'])).toBe(false);
    expect(has('serving.kserve.io/inferenceservice', ['isvc-1'])).toBe(true);
    expect(has('tier', ['gold'])).toBe(true);
  });

  it('checks the templates of the requirement that allows fewest, whichever comes first', () => {
    // Every template has `tier: web`; `app` tells them apart. Reads of a template's labels are counted.
    const touched = new Set<number>();
    const pods = Array.from({ length: 2000 }, (_, i) => {
      const labels = new Proxy(
        { tier: 'web', app: `api-${i}` },
        {
          getOwnPropertyDescriptor(target, p) {
            touched.add(i);
            return Reflect.getOwnPropertyDescriptor(target, p);
          },
          get(target, p) {
            touched.add(i);
            return Reflect.get(target, p);
          },
        },
      );
      return { labels, addedLabels: [] } as unknown as PodSpecRef;
    });
    const index = indexPodsByLabel(pods);
    const selector = (app: string): LabelRequirement[] => [
      { key: 'tier', operator: 'In', values: ['web'] },
      { key: 'app', operator: 'In', values: [app] },
    ];
    // The first questions index both keys, reading every template once.
    index.hasMatch(selector('api-0'), {});
    touched.clear();
    expect(index.hasMatch(selector('api-7'), {})).toBe(true);
    expect([...touched]).toEqual([7]);
    touched.clear();
    expect(index.hasMatch(selector('api-x'), {})).toBe(false);
    expect(touched.size).toBe(0);
  });

  it('finds the one matching template among many', () => {
    const pods = Array.from(
      { length: 1000 },
      (_, i) => ({ labels: { app: `api-${i}` }, addedLabels: [] }) as unknown as PodSpecRef,
    );
    const index = indexPodsByLabel(pods);
    expect(index.hasMatch([{ key: 'app', operator: 'In', values: ['api-999'] }], {})).toBe(true);
    expect(index.hasMatch([{ key: 'app', operator: 'In', values: ['api-1000'] }], {})).toBe(false);
  });
});
