import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callsGenerators, markGeneratedFields } from '../../src/render/mark-generated-fields.ts';
import type { Resource } from '../../src/types.ts';
import { tempTrees } from '../helpers/temp-trees.ts';

const tree = tempTrees('ferry-generators-');

describe('callsGenerators', () => {
  it.each([
    ['a template', { 'templates/secret.yaml': 'k: {{ randAlphaNum 32 | b64enc }}' }, true],
    ['a helper', { 'templates/_helpers.tpl': '{{- define "x" }}{{ genCA "ca" 365 }}{{ end }}' }, true],
    ['a subchart vendored as a folder', { 'charts/db/templates/s.yaml': 'p: {{ uuidv4 }}' }, true],
    ['no template that calls one', { 'templates/cm.yaml': 'k: {{ .Values.random | quote }}' }, false],
    [
      'only values.yaml and a README',
      { 'values.yaml': 'x: "{{ randAlphaNum 5 }}"', 'README.md': 'randAlphaNum' },
      false,
    ],
    ['a name outside a template action', { 'templates/cm.yaml': '# uses no randAlphaNum\nk: v' }, false],
  ])('finds a generating function in %s: %s', (_what, files, expected) => {
    const root = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
      ...prefixed(files),
    });
    return expect(callsGenerators(join(root, 'chart'))).resolves.toBe(expected);
  });
});

function prefixed(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([f, t]) => [`chart/${f}`, t]));
}

describe('markGeneratedFields', () => {
  const secret = (data: Record<string, unknown>, name = 's'): Resource => ({
    id: { group: '', kind: 'Secret', namespace: 'ml', name },
    apiVersion: 'v1',
    object: { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data },
    file: 'chart/templates/s.yaml',
    line: 1,
  });

  it('marks the leaves that differ between two renders, and nothing of a resource only one has', () => {
    const first = [secret({ a: 'x', b: ['1', '2'], 'c/d': 'k' }), secret({ a: 'x' }, 'job-abcde')];
    const second = [secret({ a: 'y', b: ['1', '3'], 'c/d': 'm' }), secret({ a: 'x' }, 'job-fghij')];
    markGeneratedFields(first, second);
    expect(first.map((r) => r.generated)).toEqual([['/data/a', '/data/b/1', '/data/c~1d'], undefined]);
  });

  it('marks a whole map or list whose shape differs', () => {
    const first = [secret({ a: { x: '1' }, b: ['1'] })];
    markGeneratedFields(first, [secret({ a: { y: '1' }, b: ['1', '2'] })]);
    expect(first[0]?.generated).toEqual(['/data/a', '/data/b']);
  });
});
