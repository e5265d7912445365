import { describe, expect, it } from 'vitest';
import {
  labelValueProblem,
  nameProblem,
  qualifiedNameProblem,
} from '../../../src/validate/schema/name-format.ts';

describe('nameProblem', () => {
  it.each([
    ['dns-subdomain', 'model-server.v2', true],
    ['dns-subdomain', 'Model', false],
    ['dns-subdomain', 'a'.repeat(254), false],
    ['dns-label', 'ml-prod', true],
    ['dns-label', 'ml.prod', false],
    ['dns-label', 'a'.repeat(64), false],
    ['dns-1035-label', 'api', true],
    ['dns-1035-label', '1-api', false],
    ['path-segment', 'system:aggregate-to-view', true],
    ['path-segment', 'a/b', false],
    ['path-segment', '..', false],
  ] as const)('%s accepts %s: %s', (format, value, ok) => {
    expect(nameProblem(format, value) === undefined).toBe(ok);
  });
});

describe('label syntax', () => {
  it.each([
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['Example.com/x', false],
    ['/x', false],
    ['x/', false],
    ['bad key', false],
    [`a/${'b'.repeat(64)}`, false],
  ])('key %s is valid: %s', (key, ok) => {
    expect(qualifiedNameProblem(key) === undefined).toBe(ok);
  });

  // envoyproxy/ai-gateway's examples/mcp/mcp_example.yaml: an `aigw run` annotation, which the API
  // server refuses; the message said the name part had a bad character.
  it('says a key with two slashes has one too many', () => {
    expect(qualifiedNameProblem('substitution.aigw.run/env/apiKey')).toBe(
      "has more than one '/': a key is a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/my-name')",
    );
  });

  it.each([
    ['', true],
    ['v1.2.3', true],
    ['My_Value', true],
    ['-x', false],
    ['has space', false],
    ['x'.repeat(64), false],
  ])('value %j is valid: %s', (value, ok) => {
    expect(labelValueProblem(value) === undefined).toBe(ok);
  });
});
