import { describe, expect, it } from 'vitest';
import { type HookEvent, planWaves } from '../../src/agent/plan-waves.ts';
import type { DesiredObject } from '../../src/agent/prepare-objects.ts';

function obj(kind: string, name: string, annotations: Record<string, string> = {}): DesiredObject {
  const apiVersion = kind === 'Job' ? 'batch/v1' : kind === 'Deployment' ? 'apps/v1' : 'v1';
  return {
    apiVersion,
    kind,
    namespace: 'ml',
    name,
    object: { apiVersion, kind, metadata: { name, namespace: 'ml', annotations } },
  };
}

const order = (objects: DesiredObject[], event: HookEvent | undefined) =>
  planWaves({ objects, event }).phases.map(
    (p) => `${p.kind}:${p.order}:${p.objects.map((o) => o.name).join(',')}`,
  );

describe('planWaves', () => {
  it('orders by ferry.dev/wave, then Argo CD sync-wave, default 0, negative first', () => {
    expect(
      order(
        [
          obj('Deployment', 'server', { 'ferry.dev/wave': '1' }),
          obj('ConfigMap', 'config'),
          obj('Job', 'download', { 'argocd.argoproj.io/sync-wave': '-1' }),
          obj('Service', 'svc', { 'ferry.dev/wave': '1', 'argocd.argoproj.io/sync-wave': '-5' }),
        ],
        'upgrade',
      ),
    ).toEqual(['wave:-1:download', 'wave:0:config', 'wave:1:server,svc']);
  });

  it('runs pre-hooks of the event first and post-hooks last, by weight', () => {
    const objects = [
      obj('Deployment', 'server'),
      obj('Job', 'migrate', { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '5' }),
      obj('Job', 'download', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-weight': '-2' }),
      obj('Job', 'warmup', { 'helm.sh/hook': 'post-install,post-upgrade' }),
    ];
    expect(order(objects, 'upgrade')).toEqual([
      'pre-hook:-2:download',
      'pre-hook:5:migrate',
      'wave:0:server',
      'post-hook:0:warmup',
    ]);
    // On the first deploy only the install hooks run.
    expect(order(objects, 'install')).toEqual(['pre-hook:5:migrate', 'wave:0:server', 'post-hook:0:warmup']);
  });

  it('never applies test hooks, and no hook at all on a resync of the applied revision', () => {
    const objects = [
      obj('Deployment', 'server'),
      obj('Pod', 'smoke', { 'helm.sh/hook': 'test' }),
      obj('Job', 'download', { 'helm.sh/hook': 'pre-upgrade' }),
      obj('Job', 'cleanup', { 'helm.sh/hook': 'pre-delete' }),
    ];
    const plan = planWaves({ objects, event: 'upgrade' });
    expect(plan.phases.flatMap((p) => p.objects.map((o) => o.name))).toEqual(['download', 'server']);
    expect(plan.skipped.map((s) => s.object)).toEqual(['Pod ml/smoke', 'Job ml/cleanup']);
    expect(plan.skipped[0]?.reason).toMatch(/helm test/);
    expect(plan.hookKeys.size).toBe(3);
    expect(order(objects, undefined)).toEqual(['wave:0:server']);
  });

  it("runs Argo CD's PreSync and PostSync hooks around every deploy, by sync wave, with their delete policies", () => {
    // argoproj/argocd-example-apps' pre-post-sync: a repository moving from Argo CD keeps its hooks.
    const argo = (hook: string, more: Record<string, string> = {}) => ({
      'argocd.argoproj.io/hook': hook,
      ...more,
    });
    const objects = [
      obj('Deployment', 'server'),
      obj('Job', 'before', argo('PreSync', { 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' })),
      obj('Job', 'schema', argo('PreSync', { 'argocd.argoproj.io/sync-wave': '-1' })),
      obj('Job', 'after', argo('PostSync')),
      obj('Job', 'migrate', argo('Sync', { 'argocd.argoproj.io/sync-wave': '2' })),
      obj('Job', 'page', argo('SyncFail')),
      obj('ConfigMap', 'skipped', argo('Skip')),
      // Argo CD's own annotation wins over Helm's, as Argo CD reads them.
      obj('Job', 'both', { ...argo('PostSync'), 'helm.sh/hook': 'pre-install,pre-upgrade' }),
    ];
    for (const event of ['install', 'upgrade'] as const) {
      expect(order(objects, event)).toEqual([
        'pre-hook:-1:schema',
        'pre-hook:0:before',
        'wave:0:server',
        'wave:2:migrate',
        'post-hook:0:after,both',
      ]);
    }
    const plan = planWaves({ objects, event: 'upgrade' });
    expect(plan.hookPolicies.get('batch|Job|ml|before')).toEqual(new Set(['hook-succeeded']));
    expect(plan.hookPolicies.get('batch|Job|ml|after')).toEqual(new Set(['before-hook-creation']));
    expect(plan.skipped).toEqual([
      {
        object: 'Job ml/page',
        reason: 'an Argo CD SyncFail hook: Ferry runs hooks before and after a deploy only',
      },
      { object: 'ConfigMap ml/skipped', reason: 'argocd.argoproj.io/hook: Skip' },
    ]);
    // A resync of the applied revision runs no hook, as for Helm's.
    expect(order(objects, undefined)).toEqual(['wave:0:server', 'wave:2:migrate']);
    expect(() => planWaves({ objects: [obj('Job', 'x', argo('PreSnyc'))], event: 'install' })).toThrow(
      'Job ml/x: annotation argocd.argoproj.io/hook: unknown hook "PreSnyc" (use PreSync, Sync, PostSync, SyncFail, PostDelete or Skip)',
    );
    expect(() =>
      planWaves({
        objects: [obj('Job', 'x', argo('PreSync', { 'argocd.argoproj.io/hook-delete-policy': 'Always' }))],
        event: 'install',
      }),
    ).toThrow(
      /argocd.argoproj.io\/hook-delete-policy: unknown policy "Always" \(use BeforeHookCreation, HookSucceeded, HookFailed\)/,
    );
  });

  it('defaults the delete policy to before-hook-creation and reads the listed ones', () => {
    const plan = planWaves({
      objects: [
        obj('Job', 'a', { 'helm.sh/hook': 'pre-upgrade' }),
        obj('Job', 'b', {
          'helm.sh/hook': 'pre-upgrade',
          'helm.sh/hook-delete-policy': 'hook-succeeded, hook-failed',
        }),
      ],
      event: 'upgrade',
    });
    expect([...plan.hookPolicies.values()].map((p) => [...p])).toEqual([
      ['before-hook-creation'],
      ['hook-succeeded', 'hook-failed'],
    ]);
  });

  it('refuses a wave or weight that is not an integer and an unknown delete policy, naming the object', () => {
    expect(() =>
      planWaves({ objects: [obj('Job', 'x', { 'ferry.dev/wave': 'first' })], event: 'install' }),
    ).toThrow('Job ml/x: annotation ferry.dev/wave: "first" is not an integer (e.g. "-1", "0", "2")');
    expect(() =>
      planWaves({
        objects: [obj('Job', 'x', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '1.5' })],
        event: 'install',
      }),
    ).toThrow(/helm.sh\/hook-weight: "1.5" is not an integer/);
    expect(() =>
      planWaves({
        objects: [obj('Job', 'x', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-delete-policy': 'always' })],
        event: 'install',
      }),
    ).toThrow(/unknown policy "always"/);
  });
  it('refuses to apply an object before the CRD or Namespace of the render it needs, naming both phases', () => {
    const crd = (wave: string): DesiredObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      namespace: '',
      name: 'models.ml.acme.dev',
      object: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'models.ml.acme.dev', annotations: { 'ferry.dev/wave': wave } },
        spec: { group: 'ml.acme.dev', names: { kind: 'Model', plural: 'models' } },
      },
    });
    const model: DesiredObject = {
      apiVersion: 'ml.acme.dev/v1',
      kind: 'Model',
      namespace: 'ml',
      name: 'resnet',
      object: { apiVersion: 'ml.acme.dev/v1', kind: 'Model', metadata: { name: 'resnet', namespace: 'ml' } },
    };
    const ns = (wave: string): DesiredObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      namespace: '',
      name: 'ml',
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'ml', annotations: { 'ferry.dev/wave': wave } },
      },
    });
    const hook = obj('Job', 'migrate', { 'helm.sh/hook': 'pre-install' });
    expect(() => planWaves({ objects: [crd('1'), model], event: 'install' })).toThrow(
      'Model ml/resnet (wave 0) needs CustomResourceDefinition models.ml.acme.dev, applied later (wave 1): the API server refuses an object before its CustomResourceDefinition or Namespace exists; give them the same wave or an earlier one',
    );
    expect(() => planWaves({ objects: [ns('0'), hook], event: 'install' })).toThrow(
      /^Job ml\/migrate \(pre-hook weight 0\) needs Namespace ml, applied later \(wave 0\)/,
    );
    // The same wave (the apply orders CRDs, then Namespaces, then the rest) or an earlier one is fine.
    expect(() => planWaves({ objects: [crd('0'), ns('0'), model], event: 'install' })).not.toThrow();
    expect(() => planWaves({ objects: [crd('-1'), ns('-2'), model, hook], event: 'upgrade' })).not.toThrow();
  });
});
