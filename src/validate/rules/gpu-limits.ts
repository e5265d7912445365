import { asRecord } from '../../manifest/as-record.ts';
import { type ContainerRef, listContainers } from '../../manifest/list-pod-specs.ts';
import { formatResourceId } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import type { Rule, RuleFinding } from '../rule.ts';
import { isExtendedResource } from './is-extended-resource.ts';
import { parseQuantity } from './parse-quantity.ts';

/**
 * Extended resources (GPUs, Neuron cores, TPUs…) cannot be overcommitted: the API server rejects a
 * container that requests one without a limit, whose request differs from its limit, or whose amount is
 * not a whole number (Kubernetes `ValidateResourceRequirements`; docs: "Resource Management for Pods and
 * Containers", extended resources).
 */
export const gpuLimitsRule: Rule = {
  id: 'gpu-limits',
  severity: 'error',
  description:
    'GPUs and other extended resources are set in limits, equal to any request, in whole units (the API server rejects anything else).',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      for (const ref of listContainers(resource.object)) {
        const resources = asRecord(ref.container.resources);
        const requests = asRecord(resources?.requests) ?? {};
        const limits = asRecord(resources?.limits) ?? {};
        // Most containers ask for CPU and memory only: nothing to judge, nothing to describe.
        if (hasExtendedResource(requests) || hasExtendedResource(limits)) {
          findings.push(...checkContainer({ resource, ref, requests, limits }));
        }
      }
    }
    return findings;
  },
};

function hasExtendedResource(values: Record<string, unknown>): boolean {
  for (const name in values) if (Object.hasOwn(values, name) && isExtendedResource(name)) return true;
  return false;
}

function checkContainer(args: {
  resource: Resource;
  ref: ContainerRef;
  requests: Record<string, unknown>;
  limits: Record<string, unknown>;
}): RuleFinding[] {
  const { resource, ref, requests, limits } = args;
  const findings: RuleFinding[] = [];
  // Described only for a finding: most containers pass.
  const where = () => `${ref.name} in ${formatResourceId(resource.id)}`;
  const pathOf = (field: string, name: string) => [...ref.path, 'resources', field, name];
  for (const [field, values] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    for (const [name, raw] of Object.entries(values)) {
      const amount = isExtendedResource(name) ? parseQuantity(raw) : undefined;
      if (amount !== undefined && !(Number.isInteger(amount) && amount >= 0)) {
        findings.push({
          resource,
          path: pathOf(field, name),
          message: `${where()} sets ${field}.${name} to ${String(raw)}; extended resources must be whole, non-negative numbers`,
        });
      }
    }
  }
  for (const [name, requested] of Object.entries(requests)) {
    if (!isExtendedResource(name)) continue;
    if (!Object.hasOwn(limits, name)) {
      findings.push({
        resource,
        path: pathOf('requests', name),
        message: `${where()} requests ${String(requested)} ${name} but sets no limit for it; extended resources cannot be overcommitted, so set limits.${name} (the request defaults to the limit)`,
      });
      continue;
    }
    const limit = limits[name];
    const a = parseQuantity(requested);
    const b = parseQuantity(limit);
    if (a !== undefined && b !== undefined && a !== b) {
      findings.push({
        resource,
        path: pathOf('requests', name),
        message: `${where()} requests ${String(requested)} ${name} but limits it to ${String(limit)}; extended resources cannot be overcommitted, so the request must equal the limit`,
      });
    }
  }
  return findings;
}
