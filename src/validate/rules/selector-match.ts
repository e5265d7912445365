import { asRecord, asString, type FieldPath, valueAt } from '../../manifest/as-record.ts';
import { detachedString } from '../../manifest/detached.ts';
import { type AddedLabel, listPodSpecs } from '../../manifest/list-pod-specs.ts';
import { appliedNamespace, formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import { standInFor } from '../../manifest/stand-in-for.ts';
import type { Resource } from '../../types.ts';
import { memoizeByString } from '../memoize-by-string.ts';
import { checkWhole, type Rule, type RuleFinding } from '../rule.ts';
import { indexPodsByLabel, type PodIndex, type PodLabels } from './index-pods-by-label.ts';
import {
  formatLabelSelector,
  type LabelRequirement,
  matchLabelSelector,
  parseLabelSelector,
  parseSelectorMap,
} from './match-label-selector.ts';

/** Workloads whose `spec.selector` must select their own pod template (`group/Kind`). */
const SELECTING_WORKLOADS: ReadonlySet<string> = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'extensions/Deployment',
  'extensions/DaemonSet',
  'extensions/ReplicaSet',
  'argoproj.io/Rollout',
  'batch/Job',
  '/ReplicationController',
]);

/**
 * Pod labels only a controller knows the value of. Selectors may use them (a Service pinned to
 * `statefulset.kubernetes.io/pod-name: web-0`, Argo's stable/canary Services), so a requirement on one
 * never proves "no match".
 */
const CONTROLLER_LABELS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
  'rollouts-pod-template-hash',
]);

/**
 * What the index keeps of a pod template until the end of a set read in parts: copies that do not hold
 * the document's text (detached.ts), with each label key kept once, and an added label without values
 * (`serving.kserve.io/`, every KServe template has four) one object for all. At 50,000 resources in one
 * set (`ferry validate DIR`) fresh copies of each were most of a capped worker's heap.
 */
function keptPodLabels(): (pod: PodLabels) => PodLabels {
  const word = memoizeByString(detachedString);
  const prefixOnly = memoizeByString((key): AddedLabel => ({ key: word(key) }));
  const added = ({ key, valuePrefixes }: AddedLabel): AddedLabel =>
    valuePrefixes ? { key: word(key), valuePrefixes: valuePrefixes.map(detachedString) } : prefixOnly(key);
  return (pod) => {
    const labels: Record<string, string> = {};
    for (const [key, value] of Object.entries(pod.labels)) labels[word(key)] = detachedString(value);
    const addedLabels = pod.addedLabels.length === 0 ? NO_ADDED_LABELS : pod.addedLabels.map(added);
    return { labels, addedLabels };
  };
}

/** The added labels of a template that has none, one array for all (most templates). */
const NO_ADDED_LABELS: readonly AddedLabel[] = Object.freeze([]);

/**
 * Selectors that select nothing. A workload whose selector misses its own pod template is rejected by
 * the API server ("selector does not match template labels"). A Service, PodDisruptionBudget or
 * NetworkPolicy whose selector matches no pod template in the same namespace of the target is accepted
 * but does nothing: a warning, raised only when the namespace has at least one workload to compare with.
 */
export const selectorMatchRule: Rule = {
  id: 'selector-match',
  severity: 'error',
  description:
    'Workload selectors match their pod templates; Service, PodDisruptionBudget and NetworkPolicy selectors match some workload.',
  check(ctx) {
    return checkWhole(selectorMatchRule, ctx);
  },
  stream() {
    // The pod templates seen so far, per namespace. A selector that matches none of them yet waits
    // (a Service may come before its workload) and is judged at finish, against every template.
    const indexes = new Map<string, PodIndex>();
    const waiting: { resource: Resource; requirements: LabelRequirement[]; path: FieldPath }[] = [];
    const kept = keptPodLabels();
    // Pod templates inside custom resources Ferry has no finder for, per namespace (customTemplates).
    const custom = new Map<string, Record<string, string>[]>();
    const matchesSome = (namespace: string, requirements: readonly LabelRequirement[]): boolean =>
      indexes.get(namespace)?.hasMatch(requirements, { unknowableKeys: CONTROLLER_LABELS }) ?? false;
    return {
      add(resources) {
        for (const resource of resources) {
          const specs = listPodSpecs(resource.object);
          // A kind Ferry has no finder for may still hold an operator's pod templates.
          if (specs.length === 0) {
            const templates = customTemplates(resource);
            const namespace = appliedNamespace(resource.id);
            if (templates.length > 0 && !custom.has(namespace)) custom.set(detachedString(namespace), []);
            custom.get(namespace)?.push(...templates);
            continue;
          }
          const pods = specs.filter((pod) => pod.runsPods);
          if (pods.length === 0) continue;
          // Namespaces as applied: a Service in `default` selects a Deployment that names none.
          const namespace = appliedNamespace(resource.id);
          let index = indexes.get(namespace);
          if (!index) {
            index = indexPodsByLabel();
            indexes.set(detachedString(namespace), index);
          }
          index.add(pods.map(kept));
        }
        const findings: RuleFinding[] = [];
        for (const resource of resources) {
          const key = `${groupOf(resource.apiVersion)}/${resource.object.kind}`;
          if (SELECTING_WORKLOADS.has(key)) {
            findings.push(...checkWorkload(resource, key));
            continue;
          }
          const target = selectorTarget(resource, key);
          if (!target || target.requirements.length === 0) continue;
          if (matchesSome(appliedNamespace(resource.id), target.requirements)) continue;
          waiting.push({ ...target, resource: standInFor(resource) });
        }
        return findings;
      },
      finish() {
        const findings: RuleFinding[] = [];
        for (const { resource, requirements, path } of waiting) {
          const namespace = appliedNamespace(resource.id);
          // Raised only where the namespace has a workload to compare with.
          if (!indexes.has(namespace) || matchesSome(namespace, requirements)) continue;
          if (custom.get(namespace)?.some((labels) => mayMatch(requirements, labels))) continue;
          findings.push({
            resource,
            path,
            severity: 'warning',
            message: `${formatResourceId(resource.id)} selects ${formatLabelSelector(requirements)} but no workload in this target has those labels`,
          });
        }
        return findings;
      },
    };
  },
};

function selectorTarget(
  resource: Resource,
  key: string,
): { requirements: LabelRequirement[]; path: FieldPath } | undefined {
  const obj = resource.object;
  if (key === '/Service') {
    // ExternalName Services proxy a DNS name; their selector (if any) is ignored.
    if (asString(valueAt(obj, ['spec', 'type'])) === 'ExternalName') return undefined;
    return { requirements: parseSelectorMap(valueAt(obj, ['spec', 'selector'])), path: ['spec', 'selector'] };
  }
  if (key === 'policy/PodDisruptionBudget') {
    return {
      requirements: parseLabelSelector(valueAt(obj, ['spec', 'selector'])),
      path: ['spec', 'selector'],
    };
  }
  if (key === 'networking.k8s.io/NetworkPolicy') {
    const path = ['spec', 'podSelector'];
    return { requirements: parseLabelSelector(valueAt(obj, path)), path };
  }
  return undefined;
}

function checkWorkload(resource: Resource, key: string): RuleFinding[] {
  const spec = asRecord(resource.object.spec);
  if (!spec || !Object.hasOwn(spec, 'selector')) return [];
  // A Job's selector is generated unless manualSelector is set; a Rollout may point at a Deployment.
  if (key === 'batch/Job' && spec.manualSelector !== true) return [];
  const [pod] = listPodSpecs(resource.object);
  if (!pod) return [];
  const requirements =
    key === '/ReplicationController' ? parseSelectorMap(spec.selector) : parseLabelSelector(spec.selector);
  if (requirements.length === 0) {
    // apps/v1 rejects an empty selector ("empty selector is invalid for deployment"); an empty
    // ReplicationController selector defaults to the template labels.
    if (key === '/ReplicationController' || groupOf(resource.apiVersion) === 'extensions') return [];
    return [
      {
        resource,
        path: ['spec', 'selector'],
        message: `${formatResourceId(resource.id)} has an empty spec.selector; it must select the pod template's labels`,
      },
    ];
  }
  if (matchLabelSelector(requirements, pod.labels) !== 'no') return [];
  const labels = Object.entries(pod.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    {
      resource,
      path: ['spec', 'selector'],
      message: `${formatResourceId(resource.id)} selector ${formatLabelSelector(requirements)} does not match its pod template labels (${labels || 'none'}); the API server rejects it ("selector does not match template labels")`,
    },
  ];
}

/** Groups whose kinds Ferry knows: none of their objects hides a pod template it has no finder for. */
const KNOWN_GROUPS: ReadonlySet<string> = new Set(['', 'apiextensions.k8s.io', 'rbac.authorization.k8s.io']);

/**
 * The labels of the pod templates inside a custom resource of a kind Ferry has no finder for (AIBrix's
 * RayClusterFleet, an operator's own workload): any object at any depth whose `spec.containers` is a
 * list, with its `metadata.labels`. Its operator makes the pods, and may add labels of its own.
 */
function customTemplates(resource: Resource): Record<string, string>[] {
  if (KNOWN_GROUPS.has(groupOf(resource.apiVersion))) return [];
  const found: Record<string, string>[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > 16 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    if (Array.isArray(asRecord(record.spec)?.containers)) {
      const labels: Record<string, string> = {};
      for (const [key, value] of Object.entries(asRecord(asRecord(record.metadata)?.labels) ?? {})) {
        if (typeof value === 'string') labels[detachedString(key)] = detachedString(value);
      }
      found.push(labels);
    }
    for (const value of Object.values(record)) walk(value, depth + 1);
  };
  walk(resource.object, 0);
  return found;
}

/**
 * Whether an operator's pods from a template with `labels` may be selected: some key of the selector is
 * among the labels, and no label the template sets contradicts it (keys it lacks the operator may add).
 */
function mayMatch(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!requirements.some((r) => Object.hasOwn(labels, r.key))) return false;
  const absent = new Set(requirements.filter((r) => !Object.hasOwn(labels, r.key)).map((r) => r.key));
  return matchLabelSelector(requirements, labels, { unknowableKeys: absent }) !== 'no';
}
