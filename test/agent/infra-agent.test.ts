import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { resolveBinary } from '../../src/render/resolve-binaries.ts';
import type { Resource } from '../../src/types.ts';
import { ALL_RULES } from '../../src/validate/rules/all-rules.ts';
import { validateResources } from '../../src/validate/validate-resources.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The same kubectl Ferry renders with (node_modules/.ferry/bin after `npm ci`, or FERRY_KUBECTL/PATH).
const kubectl = resolveBinary('kubectl').path;
const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: manifest JSON read loosely in assertions.
type Obj = Record<string, any>;

async function render(): Promise<Resource[]> {
  const { stdout } = await run(kubectl, ['kustomize', join(root, 'infra', 'agent')]);
  const { resources, findings } = parseManifests(stdout, 'infra/agent');
  expect(findings).toEqual([]);
  return resources;
}

const find = (resources: Resource[], kind: string, name: string): Obj => {
  const r = resources.find((x) => x.object.kind === kind && (x.object.metadata as Obj).name === name);
  if (!r) throw new Error(`${kind} ${name} not rendered`);
  return r.object as Obj;
};

describe('infra/agent', () => {
  it('renders with the real kubectl kustomize into the expected objects', async () => {
    const resources = await render();
    const kinds = resources.map((r) => `${r.object.kind}/${(r.object.metadata as Obj).name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/ferry-agent-apply',
      'ClusterRole/ferry-agent-capacity',
      'ClusterRole/ferry-agent-cluster',
      'ClusterRoleBinding/ferry-agent-capacity',
      'ClusterRoleBinding/ferry-agent-cluster',
      'ConfigMap/ferry-agent-config',
      'CustomResourceDefinition/previews.ferry.dev',
      'CustomResourceDefinition/syncs.ferry.dev',
      'Deployment/ferry-agent',
      'Namespace/ferry-system',
      'Role/ferry-agent',
      'Role/ferry-signal',
      'RoleBinding/ferry-agent',
      'RoleBinding/ferry-agent-apply',
      'RoleBinding/ferry-signal',
      'ServiceAccount/ferry-agent',
    ]);
    for (const r of resources)
      expect((r.object.metadata as Obj).labels['app.kubernetes.io/part-of']).toBe('ferry');
  });

  it("passes Ferry's own validation without errors", async () => {
    const findings = validateResources(await render(), { kubernetesVersion: '1.34', rules: ALL_RULES });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('defines the Sync CRD that kubectl get syncs prints as target, desired, applied, phase, held, age', async () => {
    const crd = find(await render(), 'CustomResourceDefinition', 'syncs.ferry.dev');
    expect(crd.spec.group).toBe('ferry.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    const version = crd.spec.versions[0];
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c: Obj) => [c.name, c.jsonPath])).toEqual([
      ['Target', '.spec.target'],
      ['Desired', '.spec.revision'],
      ['Applied', '.status.appliedRevision'],
      ['Phase', '.status.phase'],
      ['Held', '.status.heldRevision'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(version.schema.openAPIV3Schema.properties.status.properties.phase.enum).toEqual([
      'Pending',
      'Applying',
      'Healthy',
      'Degraded',
      'Failed',
      'Held',
      'RolledBack',
    ]);
  });

  it('gives the signal sender only get, create and patch on syncs and previews, and the agent no wildcard', async () => {
    const resources = await render();
    expect(find(resources, 'Role', 'ferry-signal').rules).toEqual([
      { apiGroups: ['ferry.dev'], resources: ['syncs', 'previews'], verbs: ['get', 'create', 'patch'] },
    ]);
    expect(find(resources, 'RoleBinding', 'ferry-signal').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ferry:signal' },
    ]);
    const own = find(resources, 'Role', 'ferry-agent');
    expect(own.metadata.namespace).toBe('ferry-system');
    const everyRule = resources
      .filter((r) => r.object.kind === 'Role' || r.object.kind === 'ClusterRole')
      .flatMap((r) => (r.object as Obj).rules as Obj[]);
    for (const rule of everyRule) {
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.verbs).not.toContain('*');
      expect(rule.verbs).not.toContain('escalate');
      expect(rule.verbs).not.toContain('impersonate');
    }
  });

  it('lets the agent watch Previews, write only their status and delete old ones, never create or change their spec', async () => {
    const rules = find(await render(), 'Role', 'ferry-agent').rules as Obj[];
    const forPreviews = rules.filter((r) => (r.resources as string[]).some((x) => x.startsWith('previews')));
    expect(forPreviews).toEqual([
      { apiGroups: ['ferry.dev'], resources: ['previews'], verbs: ['get', 'list', 'watch', 'delete'] },
      { apiGroups: ['ferry.dev'], resources: ['previews/status'], verbs: ['get', 'patch'] },
    ]);
  });

  it('runs the agent as two locked-down replicas (one leads) with limits, probes, the GitHub Secret and the trust config', async () => {
    const resources = await render();
    const deployment = find(resources, 'Deployment', 'ferry-agent');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(find(resources, 'Role', 'ferry-agent').rules).toEqual(
      expect.arrayContaining([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'patch'] },
      ]),
    );
    // The GPU capacity pre-flight reads nodes and pods cluster-wide, and writes neither.
    expect(find(resources, 'ClusterRole', 'ferry-agent-capacity').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    expect(find(resources, 'ClusterRoleBinding', 'ferry-agent-capacity').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'ferry-agent', namespace: 'ferry-system' },
    ]);
    expect(Object.keys(find(resources, 'ConfigMap', 'ferry-agent-config').data).sort()).toEqual([
      'FERRY_PREVIEW_RATE',
      'FERRY_PREVIEW_TIMEOUT',
      'FERRY_REPOSITORIES',
      'FERRY_TARGETS',
    ]);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('ferry-agent');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const [container] = pod.containers;
    expect(container.image).toBe('ghcr.io/ferry-dev/ferry-agent:0.1.0');
    expect(container.args[0]).toBe('agent');
    expect(container.envFrom).toEqual([
      { secretRef: { name: 'ferry-github' } },
      { configMapRef: { name: 'ferry-agent-config' } },
    ]);
    expect(container.args).not.toContain('--leader-elect=false');
    expect(container.env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(container.resources.limits).toEqual({ cpu: '1', memory: '256Mi' });
    expect(container.resources.requests).toEqual({ cpu: '50m', memory: '128Mi' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes[0].emptyDir).toBeDefined();
  });

  it('builds the image as bundled JS over production dependencies and runs it as the node user', async () => {
    const dockerfile = await readFile(join(root, 'infra', 'agent', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-slim AS deps$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^RUN node scripts\/build-cli.mjs$/m);
    expect(dockerfile).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/cli\/ferry.mjs"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["agent"\]$/m);
  });
});
