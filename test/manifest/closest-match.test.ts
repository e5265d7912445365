import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../src/manifest/closest-match.ts';

const keys = ['name', 'path', 'branch', 'prune', 'maxPruneShare', 'autoRollback', 'selfHeal'];

describe('closestMatch', () => {
  it.each([
    ['prun', 'prune'],
    ['prnue', 'prune'],
    ['Prune', 'prune'],
    ['brach', 'branch'],
    ['autorollback', 'autoRollback'],
    ['maxPruneshare', 'maxPruneShare'],
  ])('suggests %s → %s', (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });

  it.each(['cluster', 'x', 'helmet', 'nm'])('suggests nothing for %s', (word) => {
    expect(closestMatch(word, keys)).toBeUndefined();
  });

  it('finds a misspelt key among an object’s keys', () => {
    expect(closestMatch('apiVersion', ['kind', 'apiVerison', 'metadata'])).toBe('apiVerison');
  });
});
