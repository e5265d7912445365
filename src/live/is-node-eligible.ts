import { asArray, asRecord, asString, asStringMap, recordAt } from '../manifest/as-record.ts';

type Obj = Record<string, unknown>;

/**
 * Whether the scheduler may place a pod with `podSpec` on `node`, as far as labels and taints decide
 * (the scheduler's NodeUnschedulable, NodeAffinity and TaintToleration filters; resources are counted
 * apart): the node is Ready and schedulable, matches `nodeSelector` and the required node affinity, and
 * every NoSchedule/NoExecute taint is tolerated. Sources: Kubernetes docs "Assigning Pods to Nodes",
 * "Taints and Tolerations"; `spec.unschedulable` acts as the taint `node.kubernetes.io/unschedulable`.
 */
export function isNodeEligible(node: Obj, podSpec: Obj): boolean {
  if (!isNodeReady(node)) return false;
  const labels = asStringMap(recordAt(node, ['metadata'])?.labels);
  const name = asString(recordAt(node, ['metadata'])?.name) ?? '';
  for (const [key, value] of Object.entries(asStringMap(podSpec.nodeSelector))) {
    if (labels[key] !== value) return false;
  }
  const required = recordAt(podSpec, [
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
  ]);
  if (required) {
    // Terms are ORed; an empty term (or no term at all) matches no node (core/v1 NodeSelector).
    const terms = asArray(required.nodeSelectorTerms).map(asRecord);
    if (!terms.some((term) => term !== undefined && matchesTerm(term, labels, name))) return false;
  }
  const tolerations = asArray(podSpec.tolerations)
    .map(asRecord)
    .filter((t): t is Obj => t !== undefined);
  return taintsOf(node).every(
    (taint) => taint.effect === 'PreferNoSchedule' || tolerations.some((t) => tolerates(t, taint)),
  );
}

/** Ready condition True (a node without one has never reported: not a place to count on). */
export function isNodeReady(node: Obj): boolean {
  const conditions = asArray(recordAt(node, ['status'])?.conditions).map(asRecord);
  return conditions.some((c) => c?.type === 'Ready' && c.status === 'True');
}

interface Taint {
  key: string;
  value: string;
  effect: string;
}

function taintsOf(node: Obj): Taint[] {
  const spec = recordAt(node, ['spec']);
  const taints: Taint[] = asArray(spec?.taints).flatMap((item) => {
    const t = asRecord(item);
    return t
      ? [{ key: asString(t.key) ?? '', value: asString(t.value) ?? '', effect: asString(t.effect) ?? '' }]
      : [];
  });
  if (spec?.unschedulable === true) {
    taints.push({ key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' });
  }
  return taints;
}

/**
 * core/v1 `Toleration.ToleratesTaint`: an empty effect matches every effect; an empty key with
 * `Exists` matches every taint; `Exists` ignores the value; `Equal` (the default) compares it.
 */
function tolerates(toleration: Obj, taint: Taint): boolean {
  const effect = asString(toleration.effect) ?? '';
  if (effect !== '' && effect !== taint.effect) return false;
  const key = asString(toleration.key) ?? '';
  const operator = asString(toleration.operator) ?? 'Equal';
  if (key === '') return operator === 'Exists';
  if (key !== taint.key) return false;
  if (operator === 'Exists') return true;
  return operator === 'Equal' && (asString(toleration.value) ?? '') === taint.value;
}

function matchesTerm(term: Obj, labels: Record<string, string>, name: string): boolean {
  const expressions = asArray(term.matchExpressions).map(asRecord);
  const fields = asArray(term.matchFields).map(asRecord);
  if (expressions.length === 0 && fields.length === 0) return false;
  // matchFields supports only `metadata.name` with In/NotIn (core/v1 validation).
  const fieldValue = (key: string): string | undefined => (key === 'metadata.name' ? name : undefined);
  return (
    expressions.every((e) => e !== undefined && matchesRequirement(e, (k) => labels[k])) &&
    fields.every((f) => f !== undefined && matchesRequirement(f, fieldValue))
  );
}

/** A NodeSelectorRequirement: In, NotIn, Exists, DoesNotExist, Gt and Lt (integer comparison). */
function matchesRequirement(expression: Obj, lookup: (key: string) => string | undefined): boolean {
  const value = lookup(asString(expression.key) ?? '');
  const values = asArray(expression.values).map(String);
  switch (expression.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const [bound] = values;
      if (value === undefined || bound === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(bound))
        return false;
      return expression.operator === 'Gt' ? Number(value) > Number(bound) : Number(value) < Number(bound);
    }
    default:
      return false;
  }
}
