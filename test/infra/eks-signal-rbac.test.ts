import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SIGNAL_GROUP } from '../../infra/eks-signal-access.ts';

interface RbacDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: unknown[];
  roleRef?: unknown;
  subjects?: unknown[];
}

const docs = parseAllDocuments(
  readFileSync(new URL('../../infra/eks-signal-rbac.yaml', import.meta.url), 'utf8'),
).map((d) => d.toJS() as RbacDocument);

describe('infra/eks-signal-rbac.yaml', () => {
  it('is a Role and a RoleBinding in ferry-system, nothing cluster-wide', () => {
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.namespace])).toEqual([
      ['rbac.authorization.k8s.io/v1', 'Role', 'ferry-system'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'ferry-system'],
    ]);
  });

  it('lets the signal group only get and patch Sync objects and read their status', () => {
    const [role] = docs;
    expect(role?.rules).toEqual([
      { apiGroups: ['ferry.dev'], resources: ['syncs'], verbs: ['get', 'patch'] },
      { apiGroups: ['ferry.dev'], resources: ['syncs/status'], verbs: ['get'] },
    ]);
    const all = JSON.stringify(role?.rules);
    expect(all).not.toContain('*');
    expect(all).not.toMatch(/create|delete|update|list|watch|escalate|bind|impersonate/);
  });

  it('binds the Role to the group the stack maps the worker role to', () => {
    const [role, binding] = docs;
    expect(binding?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role?.metadata.name,
    });
    expect(binding?.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: SIGNAL_GROUP },
    ]);
  });
});
