import { describe, expect, it } from 'vitest';
import { compareChanges, riskNoteOf, riskRankOf } from '../../src/diff/order-changes.ts';
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
