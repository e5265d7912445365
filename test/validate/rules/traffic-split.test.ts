import { describe, expect, it } from 'vitest';
import { trafficSplitRule } from '../../../src/validate/rules/traffic-split.ts';
import { runRule } from './run-rule.ts';

function isvc(percent: string): string {
  return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    canaryTrafficPercent: ${percent}
    model: {modelFormat: {name: sklearn}}`;
}

function rollout(steps: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api}
spec:
  strategy:
    canary:
      steps:
${steps}`;
}

function virtualService(routes: string, section = 'http'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: clf}
spec:
  hosts: [clf]
  ${section}:
    - route:
${routes}`;
}

function httpRoute(refs: string, kind = 'HTTPRoute'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: clf}
spec:
  rules:
    - backendRefs:
${refs}`;
}

function trafficSplit(backends: string, apiVersion = 'split.smi-spec.io/v1alpha2'): string {
  return `apiVersion: ${apiVersion}
kind: TrafficSplit
metadata: {name: clf}
spec:
  service: clf
  backends:
${backends}`;
}

describe('traffic-split', () => {
  describe('accepts valid splits', () => {
    it.each([
      ['a KServe canary at 10%', isvc('10')],
      ['a KServe canary at 0%', isvc('0')],
      ['a KServe canary at 100%', isvc('100')],
      [
        'rising Argo steps',
        rollout(
          '        - setWeight: 10\n        - pause: {}\n        - setWeight: 50\n        - setWeight: 100',
        ),
      ],
      ['an Argo canary scale', rollout('        - setCanaryScale: {weight: 25}')],
      ['a single Istio destination without weight', virtualService('        - destination: {host: clf}')],
      [
        'an Istio 90/10 split',
        virtualService(
          '        - destination: {host: clf, subset: v1}\n          weight: 90\n        - destination: {host: clf, subset: v2}\n          weight: 10',
        ),
      ],
      [
        'an Istio TCP 50/50 split',
        virtualService(
          '        - destination: {host: a}\n          weight: 50\n        - destination: {host: b}\n          weight: 50',
          'tcp',
        ),
      ],
      ['Gateway API backends with default weights', httpRoute('        - name: v1\n        - name: v2')],
      [
        'Gateway API backends 1000000/0',
        httpRoute('        - {name: v1, weight: 1000000}\n        - {name: v2, weight: 0}'),
      ],
      [
        'SMI integer weights',
        trafficSplit('    - {service: v1, weight: 90}\n    - {service: v2, weight: 10}'),
      ],
      [
        'SMI v1alpha1 quantity weights',
        trafficSplit(
          '    - {service: v1, weight: 900m}\n    - {service: v2, weight: 100m}',
          'split.smi-spec.io/v1alpha1',
        ),
      ],
    ])('%s', (_, yaml) => {
      expect(runRule(trafficSplitRule, yaml)).toEqual([]);
    });
  });

  it.each([
    ['150', 'spec.predictor.canaryTrafficPercent to 150'],
    ['-5', 'spec.predictor.canaryTrafficPercent to -5'],
    ['12.5', 'spec.predictor.canaryTrafficPercent to 12.5'],
    ['"10"', 'spec.predictor.canaryTrafficPercent to "10"'],
  ])('rejects a KServe canaryTrafficPercent of %s', (percent, expected) => {
    expect(runRule(trafficSplitRule, isvc(percent))).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 6,
        message: `InferenceService ml/clf sets ${expected}; it must be a whole number from 0 to 100`,
      },
    ]);
  });

  it('rejects Argo weights out of range and warns when a step lowers the weight', () => {
    const found = runRule(
      trafficSplitRule,
      rollout(
        '        - setWeight: 20\n        - setWeight: 120\n        - setWeight: 50\n        - setWeight: 30\n        - setCanaryScale: {weight: 101}',
      ),
    );
    expect(found).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 9,
        message:
          'Rollout ml/api canary step 2 sets weight 120; setWeight must be a whole number from 0 to 100',
      },
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 11,
        message:
          "Rollout ml/api canary step 4 lowers the weight from 50 (step 3) to 30; a canary's weight normally only rises, a lower step moves users back to the stable version mid-rollout",
      },
      {
        severity: 'error',
        file: 'test.yaml',
        line: 12,
        message:
          'Rollout ml/api canary step 5 sets setCanaryScale.weight to 101; it must be a whole number from 0 to 100',
      },
    ]);
  });

  it('rejects an Istio split that does not sum to 100, at the route', () => {
    expect(
      runRule(
        trafficSplitRule,
        virtualService(
          '        - destination: {host: clf, subset: v1}\n          weight: 80\n        - destination: {host: clf, subset: v2}\n          weight: 30',
        ),
      ),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 7,
        message:
          'VirtualService ml/clf http[0] splits traffic across 2 destinations with weights summing to 110; Istio rejects a split that does not sum to 100',
      },
    ]);
  });

  it('counts a missing Istio weight as 0 in a split', () => {
    const found = runRule(
      trafficSplitRule,
      virtualService(
        '        - destination: {host: clf, subset: v1}\n          weight: 90\n        - destination: {host: clf, subset: v2}',
      ),
    );
    expect(found.map((f) => f.message)).toEqual([
      'VirtualService ml/clf http[0] splits traffic across 2 destinations with weights summing to 90; Istio rejects a split that does not sum to 100',
    ]);
  });

  it('rejects an Istio weight out of range without also reporting the sum', () => {
    const found = runRule(
      trafficSplitRule,
      virtualService(
        '        - destination: {host: a}\n          weight: 150\n        - destination: {host: b}\n          weight: -50',
        'tls',
      ),
    );
    expect(found.map((f) => [f.line, f.message])).toEqual([
      [9, 'VirtualService ml/clf tls[0].route[0] has weight 150; Istio accepts whole numbers from 0 to 100'],
      [11, 'VirtualService ml/clf tls[0].route[1] has weight -50; Istio accepts whole numbers from 0 to 100'],
    ]);
  });

  it.each(['HTTPRoute', 'GRPCRoute'])(
    'rejects %s weights out of range and warns when every weight is 0',
    (kind) => {
      const found = runRule(
        trafficSplitRule,
        `${httpRoute('        - {name: v1, weight: 2000000}', kind)}
    - backendRefs:
        - {name: v1, weight: 0}
        - {name: v2, weight: 0}`,
      );
      expect(found).toEqual([
        {
          severity: 'error',
          file: 'test.yaml',
          line: 7,
          message: `${kind} ml/clf rules[0].backendRefs[0] has weight 2000000; Gateway API accepts whole numbers from 0 to 1000000`,
        },
        {
          severity: 'warning',
          file: 'test.yaml',
          line: 8,
          message: `${kind} ml/clf rules[1] gives every backend weight 0, so the rule sends no traffic (the gateway answers 500)`,
        },
      ]);
    },
  );

  it('rejects negative SMI weights and warns when all are zero', () => {
    expect(
      runRule(
        trafficSplitRule,
        trafficSplit('    - {service: v1, weight: -1}\n    - {service: v2, weight: 1}'),
      ),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 7,
        message: 'TrafficSplit ml/clf backends[0] has weight -1; SMI weights must be non-negative numbers',
      },
    ]);
    expect(
      runRule(
        trafficSplitRule,
        trafficSplit('    - {service: v1, weight: 0}\n    - {service: v2, weight: 0}'),
      ).map((f) => [f.severity, f.message]),
    ).toEqual([
      ['warning', 'TrafficSplit ml/clf gives every backend weight 0, so the split sends no traffic'],
    ]);
  });
});
