import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SIGNAL_GROUP } from '../../infra/eks-signal-access.ts';

/**
 * The stack maps the worker's role to the Kubernetes group `ferry:signal`; the agent's kustomize
 * base (infra/agent/rbac.yaml) gives that group its rights. This checks the two agree, and that
 * the group can do no more than a signal needs.
 */
interface RbacDocument {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string }[];
}

const docs = parseAllDocuments(
  readFileSync(new URL('../../infra/agent/rbac.yaml', import.meta.url), 'utf8'),
).map((d) => d.toJS() as RbacDocument);

const bindings = docs.filter((d) => d.subjects?.some((s) => s.kind === 'Group' && s.name === SIGNAL_GROUP));

describe('RBAC of the ferry:signal group (infra/agent/rbac.yaml)', () => {
  it('binds the group the stack maps the worker role to, with namespaced RoleBindings only', () => {
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(binding.kind).toBe('RoleBinding');
      expect(binding.metadata.namespace).toBe('ferry-system');
      expect(binding.roleRef?.kind).toBe('Role');
    }
  });

  it('lets the group only read, create and patch Sync and Preview objects, never their status', () => {
    for (const binding of bindings) {
      const role = docs.find(
        (d) =>
          d.kind === 'Role' &&
          d.metadata.name === binding.roleRef?.name &&
          d.metadata.namespace === binding.metadata.namespace,
      );
      expect(role?.rules?.length).toBeGreaterThan(0);
      for (const rule of role?.rules ?? []) {
        expect(rule.apiGroups).toEqual(['ferry.dev']);
        for (const resource of rule.resources) expect(['syncs', 'previews']).toContain(resource);
        for (const verb of rule.verbs) expect(['get', 'create', 'patch']).toContain(verb);
      }
    }
  });
});
