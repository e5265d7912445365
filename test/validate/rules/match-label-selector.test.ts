import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  matchLabelSelector,
  parseLabelSelector,
  parseSelectorMap,
} from '../../../src/validate/rules/match-label-selector.ts';

const labels = { app: 'api', tier: 'web' };

describe('matchLabelSelector', () => {
  it.each([
    ['matchLabels that agree', { matchLabels: { app: 'api' } }, 'yes'],
    ['matchLabels that differ', { matchLabels: { app: 'apx' } }, 'no'],
    ['matchLabels on a missing key', { matchLabels: { team: 'ml' } }, 'no'],
    [
      'In with the value',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] },
      'yes',
    ],
    ['In without the value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, 'no'],
    [
      'NotIn without the value',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      'yes',
    ],
    [
      'NotIn with the value',
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] },
      'no',
    ],
    [
      'NotIn on a missing key',
      { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['x'] }] },
      'yes',
    ],
    ['Exists on a present key', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, 'yes'],
    ['Exists on a missing key', { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, 'no'],
    [
      'DoesNotExist on a missing key',
      { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
      'yes',
    ],
    ['DoesNotExist on a present key', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, 'no'],
    [
      'an unknown operator',
      { matchExpressions: [{ key: 'app', operator: 'Like', values: ['a*'] }] },
      'maybe',
    ],
    ['an empty selector', {}, 'yes'],
  ])('evaluates %s', (_, selector, expected) => {
    expect(matchLabelSelector(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('answers maybe for labels a controller may add, by key prefix and value prefix', () => {
    const addedLabels = [{ key: 'serving.kserve.io/' }, { key: 'team', valuePrefixes: ['ml-'] }];
    const byPrefix = parseSelectorMap({ app: 'api', 'serving.kserve.io/inferenceservice': 'clf' });
    expect(matchLabelSelector(byPrefix, labels, { addedLabels })).toBe('maybe');
    expect(matchLabelSelector(byPrefix, labels)).toBe('no');
    expect(matchLabelSelector(parseSelectorMap({ team: 'ml-vision' }), labels, { addedLabels })).toBe(
      'maybe',
    );
    expect(matchLabelSelector(parseSelectorMap({ team: 'web' }), labels, { addedLabels })).toBe('no');
    expect(matchLabelSelector(parseSelectorMap({ app: 'x' }), labels, { addedLabels })).toBe('no');
    expect(matchLabelSelector(parseSelectorMap({ 'serving.kserve.io': 'x' }), labels, { addedLabels })).toBe(
      'no',
    );
  });

  it('answers maybe for keys only a controller knows the value of', () => {
    const requirements = parseSelectorMap({ app: 'api', 'pod-template-hash': 'abc' });
    expect(matchLabelSelector(requirements, labels, { unknowableKeys: new Set(['pod-template-hash']) })).toBe(
      'maybe',
    );
  });

  it('always selects the labels a map selector was built from', () => {
    const labelMap = fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(labelMap, labelMap, (selected, extra) => {
        const podLabels = { ...extra, ...selected };
        expect(matchLabelSelector(parseSelectorMap(selected), podLabels)).toBe('yes');
      }),
    );
  });
});

describe('formatLabelSelector', () => {
  it('writes selectors the way kubectl does', () => {
    const requirements = parseLabelSelector({
      matchLabels: { app: 'api' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'zone', operator: 'NotIn', values: ['a', 'b'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(formatLabelSelector(requirements)).toBe(
      'app=api,tier in (a,b),env!=dev,zone notin (a,b),gpu,!canary',
    );
  });
});
