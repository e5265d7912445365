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
const pod = fc.tuple(labels, fc.constantFrom(0, 0, 0, 1, 2)).map(([l, added]): PodSpecRef => {
  const addedLabels =
    added === 0
      ? []
      : added === 1
        ? [{ key: 'serving.kserve.io/component', valuePrefixes: ['predictor'] }]
        : [{ key: 'serving.kserve.io/' }];
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
