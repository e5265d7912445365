import { describe, expect, it } from 'vitest';
import { DEPRECATED_APIS } from '../../../src/validate/deprecated-apis.ts';
import { deprecatedApiRule } from '../../../src/validate/rules/deprecated-api.ts';
import { runRule } from './run-rule.ts';

function doc(apiVersion: string, kind: string): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n`;
}

describe('deprecated-api', () => {
  it('reports a removed API as an error naming the removal, the target version and the replacement', () => {
    expect(
      runRule(deprecatedApiRule, doc('batch/v1beta1', 'CronJob'), { kubernetesVersion: '1.34' }),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 1,
        message: 'batch/v1beta1 CronJob was removed in Kubernetes 1.25 (this target runs 1.34); use batch/v1',
      },
    ]);
  });

  it('reports an API deprecated but still served as a warning', () => {
    expect(
      runRule(deprecatedApiRule, doc('autoscaling/v2beta2', 'HorizontalPodAutoscaler'), {
        kubernetesVersion: '1.24',
      }),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 1,
        message:
          'autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 and is removed in 1.26 (this target runs 1.24); use autoscaling/v2',
      },
    ]);
  });

  it('warns about v1 Endpoints from 1.33 on, with no removal date', () => {
    expect(
      runRule(deprecatedApiRule, doc('v1', 'Endpoints'), { kubernetesVersion: '1.33' }).map((f) => [
        f.severity,
        f.message,
      ]),
    ).toEqual([
      [
        'warning',
        'v1 Endpoints is deprecated since Kubernetes 1.33 (this target runs 1.33); use discovery.k8s.io/v1 EndpointSlice',
      ],
    ]);
    expect(runRule(deprecatedApiRule, doc('v1', 'Endpoints'), { kubernetesVersion: '1.32' })).toEqual([]);
  });

  it.each([
    ['extensions/v1beta1', 'Deployment', '1.16', 'apps/v1'],
    ['apps/v1beta1', 'StatefulSet', '1.16', 'apps/v1'],
    ['apps/v1beta2', 'DaemonSet', '1.16', 'apps/v1'],
    ['networking.k8s.io/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1'],
    ['networking.k8s.io/v1beta1', 'IngressClass', '1.22', 'networking.k8s.io/v1'],
    ['extensions/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1'],
    ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', '1.22', 'apiextensions.k8s.io/v1'],
    ['rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', '1.22', 'rbac.authorization.k8s.io/v1'],
    [
      'admissionregistration.k8s.io/v1beta1',
      'ValidatingWebhookConfiguration',
      '1.22',
      'admissionregistration.k8s.io/v1',
    ],
    ['policy/v1beta1', 'PodDisruptionBudget', '1.25', 'policy/v1'],
    ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', '1.25', 'autoscaling/v2'],
    ['discovery.k8s.io/v1beta1', 'EndpointSlice', '1.25', 'discovery.k8s.io/v1'],
    ['events.k8s.io/v1beta1', 'Event', '1.25', 'events.k8s.io/v1'],
    ['node.k8s.io/v1beta1', 'RuntimeClass', '1.25', 'node.k8s.io/v1'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', '1.26', 'autoscaling/v2'],
    ['flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', '1.26', 'flowcontrol.apiserver.k8s.io/v1'],
    ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', '1.27', 'storage.k8s.io/v1'],
    [
      'flowcontrol.apiserver.k8s.io/v1beta2',
      'PriorityLevelConfiguration',
      '1.29',
      'flowcontrol.apiserver.k8s.io/v1',
    ],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', '1.32', 'flowcontrol.apiserver.k8s.io/v1'],
  ])('knows %s %s was removed in %s', (apiVersion, kind, removedIn, replacement) => {
    const found = runRule(deprecatedApiRule, doc(apiVersion, kind), { kubernetesVersion: removedIn });
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        'error',
        `${apiVersion} ${kind} was removed in Kubernetes ${removedIn} (this target runs ${removedIn}); use ${replacement}`,
      ],
    ]);
  });

  it('says nothing about an API before it was deprecated', () => {
    expect(
      runRule(deprecatedApiRule, doc('batch/v1beta1', 'CronJob'), { kubernetesVersion: '1.20' }),
    ).toEqual([]);
  });

  it('keys the table by kind: a still-served kind in a group version with removed kinds is fine', () => {
    expect(
      runRule(deprecatedApiRule, doc('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicy')),
    ).toEqual([]);
    expect(runRule(deprecatedApiRule, doc('apps/v1', 'Deployment'))).toEqual([]);
  });

  it.each(['v1.34.2', '1.34', '1.34+'])('reads the Kubernetes version %s', (version) => {
    expect(
      runRule(deprecatedApiRule, doc('policy/v1beta1', 'PodSecurityPolicy'), { kubernetesVersion: version }),
    ).toHaveLength(1);
  });

  it('treats an unreadable Kubernetes version as the newest, so removed APIs still fail', () => {
    expect(
      runRule(deprecatedApiRule, doc('batch/v1beta1', 'CronJob'), { kubernetesVersion: 'latest' }),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 1,
        message: 'batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1',
      },
    ]);
  });

  it('keeps a consistent table: versions parse, removal follows deprecation, no apiVersion/kind twice', () => {
    const seen = new Set<string>();
    const rank = (v: string) => {
      const [major, minor] = v.split('.').map(Number);
      return (major ?? 0) * 1000 + (minor ?? 0);
    };
    for (const api of DEPRECATED_APIS) {
      expect(api.deprecatedIn).toMatch(/^1\.\d+$/);
      if (api.removedIn !== undefined) {
        expect(api.removedIn).toMatch(/^1\.\d+$/);
        expect(rank(api.removedIn)).toBeGreaterThan(rank(api.deprecatedIn));
      }
      for (const kind of api.kinds) {
        const key = `${api.apiVersion} ${kind}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });
});
