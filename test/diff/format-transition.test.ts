import { describe, expect, it } from 'vitest';
import {
  formatImageTransition,
  formatTransition,
  splitImage,
} from '../../src/diff/summary/format-transition.ts';

describe('formatTransition', () => {
  it.each([
    ['gs://m/classifier/v1', 'gs://m/classifier/v2', 'gs://m/classifier/v1 → …/v2'],
    ['classifier-v1', 'classifier-v2', 'classifier-v1 → v2'],
    ['1.0', '1.1', '1.0 → 1.1'],
    ['s3://a/v1/model.pt', 's3://a/v2/model.pt', 's3://a/v1/model.pt → …/v2/model.pt'],
    ['abc', 'xyz', 'abc → xyz'],
    ['same-prefix', 'same-prefix-longer', 'same-prefix → same-prefix-longer'],
  ])('shows %s → %s as %s', (before, after, expected) => {
    expect(formatTransition(before, after)).toBe(expected);
  });

  it('describes a value that appeared or went away', () => {
    expect(formatTransition(undefined, 'v2')).toBe('v2');
    expect(formatTransition('v1', undefined)).toBe('v1 → none');
    expect(formatTransition('v1', undefined, 'off')).toBe('v1 → off');
  });
});

describe('formatImageTransition', () => {
  it('shows only the new tag when the repository stays', () => {
    expect(formatImageTransition('registry:5000/ml/app:1.0', 'registry:5000/ml/app:1.1')).toBe(
      'registry:5000/ml/app:1.0 → 1.1',
    );
  });

  it('treats an untagged image as latest', () => {
    expect(formatImageTransition('app:1.0', 'app')).toBe('app:1.0 → latest');
  });

  it('splits registry ports from tags', () => {
    expect(splitImage('localhost:5000/app')).toEqual({ repository: 'localhost:5000/app', version: '' });
    expect(splitImage('app:1@sha256:00')).toEqual({ repository: 'app', version: '1@sha256:00' });
  });
});
