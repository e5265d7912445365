import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/agent/health-of.ts';
import type { KubeObject } from '../../src/types.ts';

const cond = (type: string, status = 'True', extra: object = {}) => ({
  type,
  status,
  observedGeneration: 3,
  ...extra,
});
const parent = (name: string, ...conditions: object[]) => ({
  parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name },
  controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
  conditions,
});
const route = (
  status: object,
  kind = 'HTTPRoute',
  apiVersion = 'gateway.networking.k8s.io/v1',
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'llm', namespace: 'ml', generation: 3 },
  status,
});
const gateway = (status: object): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'inference', namespace: 'ml', generation: 3 },
  status,
});

// As Argo CD's resource_customizations/gateway.networking.k8s.io/{HTTPRoute,Gateway}/health.lua read them.
describe('health of Gateway API routes, InferencePools and Gateways', () => {
  it.each<[string, KubeObject, string]>([
    [
      'a route whose canary backend does not exist (by kstatus alone: healthy)',
      route({
        parents: [
          parent(
            'inference',
            cond('Accepted'),
            cond('ResolvedRefs', 'False', {
              reason: 'BackendNotFound',
              message: 'InferencePool ml/llama-canary not found',
            }),
          ),
        ],
      }),
      'unhealthy',
    ],
    [
      'a route its gateway does not accept',
      route({
        parents: [
          parent(
            'inference',
            cond('Accepted', 'False', { reason: 'NotAllowedByListeners' }),
            cond('ResolvedRefs'),
          ),
        ],
      }),
      'unhealthy',
    ],
    [
      'a route accepted and resolved',
      route({ parents: [parent('inference', cond('Accepted'), cond('ResolvedRefs'))] }),
      'healthy',
    ],
    [
      'a route not programmed yet',
      route({
        parents: [
          parent(
            'inference',
            cond('Accepted'),
            cond('ResolvedRefs'),
            cond('Programmed', 'False', { reason: 'Pending' }),
          ),
        ],
      }),
      'progressing',
    ],
    [
      'a route whose conditions describe the previous generation',
      route({
        parents: [
          parent(
            'inference',
            cond('Accepted', 'True', { observedGeneration: 2 }),
            cond('ResolvedRefs', 'False', { observedGeneration: 2 }),
          ),
        ],
      }),
      'unknown',
    ],
    [
      'a GRPCRoute refused by one of two gateways',
      route(
        {
          parents: [
            parent('a', cond('Accepted'), cond('ResolvedRefs')),
            parent('b', cond('Accepted'), cond('ResolvedRefs', 'False', { reason: 'RefNotPermitted' })),
          ],
        },
        'GRPCRoute',
      ),
      'unhealthy',
    ],
    [
      'an InferencePool (GIE v1) whose endpoint picker is missing',
      route(
        {
          parents: [
            parent(
              'inference',
              cond('Accepted'),
              cond('ResolvedRefs', 'False', { reason: 'InvalidExtensionRef' }),
            ),
          ],
        },
        'InferencePool',
        'inference.networking.k8s.io/v1',
      ),
      'unhealthy',
    ],
    [
      'an InferencePool before GIE v1 (status.parent)',
      route(
        { parent: [parent('inference', cond('Accepted'), cond('ResolvedRefs'))] },
        'InferencePool',
        'inference.networking.x-k8s.io/v1alpha2',
      ),
      'healthy',
    ],
    ['a route no gateway reports on (no controller): kstatus decides', route({}), 'healthy'],
    [
      'a Gateway programmed',
      gateway({
        conditions: [cond('Accepted'), cond('Programmed')],
        listeners: [{ name: 'http', conditions: [cond('Accepted'), cond('ResolvedRefs')] }],
      }),
      'healthy',
    ],
    [
      'a Gateway waiting for its address',
      gateway({
        conditions: [cond('Accepted'), cond('Programmed', 'False', { reason: 'AddressNotAssigned' })],
      }),
      'progressing',
    ],
    [
      'a Gateway pending reconciliation',
      gateway({ conditions: [cond('Accepted', 'False', { reason: 'Pending' })] }),
      'progressing',
    ],
    [
      'a Gateway whose listener certificate is missing',
      gateway({
        conditions: [cond('Accepted'), cond('Programmed')],
        listeners: [
          {
            name: 'https',
            conditions: [
              cond('ResolvedRefs', 'False', {
                reason: 'InvalidCertificateRef',
                message: 'Secret ml/tls does not exist',
              }),
            ],
          },
        ],
      }),
      'unhealthy',
    ],
    [
      'a Gateway reporting on an older generation',
      gateway({
        conditions: [
          cond('Accepted', 'True', { observedGeneration: 1 }),
          cond('Programmed', 'True', { observedGeneration: 1 }),
        ],
      }),
      'unknown',
    ],
  ])('%s: %s', (_name, o, state) => {
    expect(healthOf(o).state).toBe(state);
  });

  it("names the parent and the controller's message", () => {
    const o = route({
      parents: [
        parent(
          'inference',
          cond('Accepted'),
          cond('ResolvedRefs', 'False', { message: 'InferencePool ml/llama-canary not found' }),
        ),
      ],
    });
    expect(healthOf(o).message).toBe('HTTPRoute parent inference: InferencePool ml/llama-canary not found');
  });
});

describe('health of policies and Envoy AI Gateway kinds', () => {
  const policy = (status: object): KubeObject => ({
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name: 'retry', namespace: 'ml', generation: 3 },
    status,
  });
  const ancestor = (...conditions: object[]) => ({
    ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference' },
    controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
    conditions,
  });
  it.each<[string, KubeObject, string]>([
    [
      'a policy whose target route does not exist',
      policy({
        ancestors: [
          ancestor(
            cond('Accepted', 'False', { reason: 'TargetNotFound', message: 'HTTPRoute ml/llm not found' }),
          ),
        ],
      }),
      'unhealthy',
    ],
    ['a policy accepted', policy({ ancestors: [ancestor(cond('Accepted'))] }), 'healthy'],
    [
      'an AIGatewayRoute not accepted',
      {
        apiVersion: 'aigateway.envoyproxy.io/v1beta1',
        kind: 'AIGatewayRoute',
        metadata: { name: 'r', generation: 1 },
        status: {
          conditions: [
            { type: 'NotAccepted', status: 'True', message: 'AIServiceBackend ml/openai not found' },
          ],
        },
      },
      'unhealthy',
    ],
    [
      'an AIGatewayRoute accepted',
      {
        apiVersion: 'aigateway.envoyproxy.io/v1beta1',
        kind: 'AIGatewayRoute',
        metadata: { name: 'r', generation: 1 },
        status: { conditions: [{ type: 'Accepted', status: 'True' }] },
      },
      'healthy',
    ],
  ])('%s: %s', (_name, o, state) => {
    expect(healthOf(o).state).toBe(state);
  });

  it('names the ancestor', () => {
    const o = policy({
      ancestors: [ancestor(cond('Accepted', 'False', { message: 'HTTPRoute ml/llm not found' }))],
    });
    expect(healthOf(o).message).toBe('BackendTrafficPolicy ancestor inference: HTTPRoute ml/llm not found');
  });
});
