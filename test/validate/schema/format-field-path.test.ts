import { describe, expect, it } from 'vitest';
import { formatFieldPath } from '../../../src/validate/schema/format-field-path.ts';

describe('formatFieldPath', () => {
  it('joins fields with dots and indexes with brackets', () => {
    expect(formatFieldPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe(
      'spec.template.spec.containers[0].image',
    );
  });

  it('quotes keys that are not plain identifiers', () => {
    expect(formatFieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
    expect(formatFieldPath(['data', 'my key'])).toBe('data["my key"]');
  });

  it('formats a top-level index or field alone', () => {
    expect(formatFieldPath(['meta'])).toBe('meta');
    expect(formatFieldPath([3, 'kind'])).toBe('[3].kind');
    expect(formatFieldPath([])).toBe('');
  });
});
