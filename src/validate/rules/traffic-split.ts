import { asArray, asRecord, type FieldPath, recordAt } from '../../manifest/as-record.ts';
import { formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import type { Rule, RuleFinding } from '../rule.ts';
import { parseQuantity } from './parse-quantity.ts';

/** Gateway API `backendRefs[].weight` bounds (CRD: minimum 0, maximum 1000000). */
const GATEWAY_MAX_WEIGHT = 1_000_000;
const GATEWAY_ROUTE_KINDS: ReadonlySet<string> = new Set([
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'UDPRoute',
]);

/**
 * Traffic weights of canaries and splits: KServe `canaryTrafficPercent`, Argo Rollouts canary steps,
 * Istio VirtualService routes, Gateway API route backends and SMI TrafficSplit backends. Out-of-range
 * weights (and Istio splits that do not sum to 100, which istiod's validation webhook rejects with
 * "total destination weight N != 100") are errors; splits that are accepted but surprising are warnings.
 */
export const trafficSplitRule: Rule = {
  id: 'traffic-split',
  severity: 'error',
  description:
    'Canary and traffic-split weights are in range and add up (KServe, Argo Rollouts, Istio, Gateway API, SMI).',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      const key = `${groupOf(resource.apiVersion)}/${resource.object.kind}`;
      if (key === 'serving.kserve.io/InferenceService') findings.push(...checkKServe(resource));
      else if (key === 'argoproj.io/Rollout') findings.push(...checkRollout(resource));
      else if (key === 'networking.istio.io/VirtualService') findings.push(...checkVirtualService(resource));
      else if (key === 'split.smi-spec.io/TrafficSplit') findings.push(...checkTrafficSplit(resource));
      else if (
        groupOf(resource.apiVersion) === 'gateway.networking.k8s.io' &&
        GATEWAY_ROUTE_KINDS.has(resource.object.kind)
      ) {
        findings.push(...checkGatewayRoute(resource));
      }
    }
    return findings;
  },
};

function isWholeIn(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function checkKServe(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const component of ['predictor', 'transformer', 'explainer']) {
    const spec = recordAt(resource.object, ['spec', component]);
    if (!spec || !Object.hasOwn(spec, 'canaryTrafficPercent')) continue;
    const percent = spec.canaryTrafficPercent;
    if (!isWholeIn(percent, 100)) {
      findings.push({
        resource,
        path: ['spec', component, 'canaryTrafficPercent'],
        message: `${formatResourceId(resource.id)} sets spec.${component}.canaryTrafficPercent to ${show(percent)}; it must be a whole number from 0 to 100`,
      });
    }
  }
  return findings;
}

function checkRollout(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const name = formatResourceId(resource.id);
  const stepsPath: FieldPath = ['spec', 'strategy', 'canary', 'steps'];
  let previous: { weight: number; step: number } | undefined;
  asArray(recordAt(resource.object, ['spec', 'strategy', 'canary'])?.steps).forEach((item, i) => {
    const step = asRecord(item);
    if (!step) return;
    if (Object.hasOwn(step, 'setWeight')) {
      const weight = step.setWeight;
      if (!isWholeIn(weight, 100)) {
        findings.push({
          resource,
          path: [...stepsPath, i, 'setWeight'],
          message: `${name} canary step ${i + 1} sets weight ${show(weight)}; setWeight must be a whole number from 0 to 100`,
        });
      } else {
        if (previous && weight < previous.weight) {
          findings.push({
            resource,
            path: [...stepsPath, i, 'setWeight'],
            severity: 'warning',
            message: `${name} canary step ${i + 1} lowers the weight from ${previous.weight} (step ${previous.step}) to ${weight}; a canary's weight normally only rises, a lower step moves users back to the stable version mid-rollout`,
          });
        }
        previous = { weight, step: i + 1 };
      }
    }
    const scale = asRecord(step.setCanaryScale);
    if (scale && Object.hasOwn(scale, 'weight') && !isWholeIn(scale.weight, 100)) {
      findings.push({
        resource,
        path: [...stepsPath, i, 'setCanaryScale', 'weight'],
        message: `${name} canary step ${i + 1} sets setCanaryScale.weight to ${show(scale.weight)}; it must be a whole number from 0 to 100`,
      });
    }
  });
  return findings;
}

function checkVirtualService(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const name = formatResourceId(resource.id);
  for (const section of ['http', 'tcp', 'tls']) {
    asArray(recordAt(resource.object, ['spec'])?.[section]).forEach((item, i) => {
      const routes = asArray(asRecord(item)?.route);
      let total = 0;
      let valid = true;
      routes.forEach((routeItem, j) => {
        const route = asRecord(routeItem);
        if (!route || !Object.hasOwn(route, 'weight')) return;
        const weight = route.weight;
        if (!isWholeIn(weight, 100)) {
          valid = false;
          findings.push({
            resource,
            path: ['spec', section, i, 'route', j, 'weight'],
            message: `${name} ${section}[${i}].route[${j}] has weight ${show(weight)}; Istio accepts whole numbers from 0 to 100`,
          });
        } else {
          total += weight;
        }
      });
      // istiod's validation: with more than one destination, the weights (unset = 0) must sum to 100.
      if (valid && routes.length > 1 && total !== 100) {
        findings.push({
          resource,
          path: ['spec', section, i, 'route'],
          message: `${name} ${section}[${i}] splits traffic across ${routes.length} destinations with weights summing to ${total}; Istio rejects a split that does not sum to 100`,
        });
      }
    });
  }
  return findings;
}

function checkGatewayRoute(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const name = formatResourceId(resource.id);
  asArray(recordAt(resource.object, ['spec'])?.rules).forEach((item, i) => {
    const refs = asArray(asRecord(item)?.backendRefs);
    let allZero = refs.length > 0;
    refs.forEach((refItem, j) => {
      const ref = asRecord(refItem);
      // An unset weight defaults to 1 (Gateway API `BackendRef.weight`).
      if (!ref || !Object.hasOwn(ref, 'weight')) {
        allZero = false;
        return;
      }
      const weight = ref.weight;
      if (!isWholeIn(weight, GATEWAY_MAX_WEIGHT)) {
        allZero = false;
        findings.push({
          resource,
          path: ['spec', 'rules', i, 'backendRefs', j, 'weight'],
          message: `${name} rules[${i}].backendRefs[${j}] has weight ${show(weight)}; Gateway API accepts whole numbers from 0 to ${GATEWAY_MAX_WEIGHT}`,
        });
      } else if (weight !== 0) {
        allZero = false;
      }
    });
    if (allZero) {
      findings.push({
        resource,
        path: ['spec', 'rules', i, 'backendRefs'],
        severity: 'warning',
        message: `${name} rules[${i}] gives every backend weight 0, so the rule sends no traffic (the gateway answers 500)`,
      });
    }
  });
  return findings;
}

function checkTrafficSplit(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const name = formatResourceId(resource.id);
  const backends = asArray(recordAt(resource.object, ['spec'])?.backends);
  let allZero = backends.length > 0;
  backends.forEach((item, i) => {
    const backend = asRecord(item);
    if (!backend || !Object.hasOwn(backend, 'weight')) {
      allZero = false;
      return;
    }
    // SMI v1alpha1 weights are quantities ("500m"); later versions use integers.
    const weight = parseQuantity(backend.weight);
    if (weight === undefined || weight < 0) {
      allZero = false;
      findings.push({
        resource,
        path: ['spec', 'backends', i, 'weight'],
        message: `${name} backends[${i}] has weight ${show(backend.weight)}; SMI weights must be non-negative numbers`,
      });
    } else if (weight !== 0) {
      allZero = false;
    }
  });
  if (allZero) {
    findings.push({
      resource,
      path: ['spec', 'backends'],
      severity: 'warning',
      message: `${name} gives every backend weight 0, so the split sends no traffic`,
    });
  }
  return findings;
}
