import { keptOnPrune } from '../manifest/kept-on-prune.ts';
import { parsePointer } from '../manifest/line-of.ts';
import { formatResourceId, resourceKey } from '../manifest/resource-id.ts';
import type { Action, Change, KubeObject, Resource, Summary } from '../types.ts';
import { formatUnifiedDiff } from './format-unified-diff.ts';
import { formatYaml } from './format-yaml.ts';
import { isMaskableGenerated } from './is-maskable-generated.ts';
import { stripNoise } from './normalize-object.ts';
import { compareChanges } from './order-changes.ts';
import { scrubText, secretValuesOf } from './redact-findings.ts';
import { redactSecrets } from './redact-secret.ts';
import { capFacts, summarizeChange } from './summarize-change.ts';
import { autoscalerOf, diffAutoscaler } from './summary/diff-autoscaler.ts';
import { isIndistinguishable } from './summary/read-path.ts';

export interface DiffResourcesOptions {
  target: string;
  base: readonly Resource[];
  head: readonly Resource[];
}

export interface DiffResult {
  changes: Change[];
  summary: Summary[];
}

interface Pair {
  key: string;
  base?: Resource;
  head?: Resource;
}

/**
 * Secret values shorter than this are not masked where they appear outside their Secret: `true`,
 * `admin` or a port would turn every diff into noise. Within a Secret every value is redacted.
 */
export const MIN_MASKED_SECRET_LENGTH = 6;

/**
 * Base vs head of one target. Resources are matched by identity (group, kind, namespace, name; ids
 * already carry the target's default namespace). Each side is redacted (Secrets), normalised and
 * formatted; equal text means unchanged, so the line diff only runs where something changed.
 * Changes come removed first (riskiest kinds first), then added, changed, unchanged. The summary
 * holds one line per workload, route or Secret a reviewer should know about, in the same order, with
 * autoscaler changes told on the workload they scale. Every value of the target's Secrets (either
 * side, plain and base64) is masked wherever else it appears: a ConfigMap's DSN that embeds the
 * password, an env value, an annotation.
 */
export function diffResources(opts: DiffResourcesOptions): DiffResult {
  const pairs = pairResources(opts.base, opts.head);
  const changes: Change[] = [];
  const byChange = new Map<Change, Pair>();
  for (const pair of pairs) {
    const change = diffPair(pair);
    changes.push(change);
    byChange.set(change, pair);
  }
  changes.sort(compareChanges);
  const facts = new Map<string, string[]>();
  const autoscaled: { pair: Pair; change: Change }[] = [];
  for (const change of changes) {
    if (change.action === 'unchanged') continue;
    const pair = byChange.get(change) as Pair;
    if (autoscalerOf(pair.base?.object) || autoscalerOf(pair.head?.object)) {
      autoscaled.push({ pair, change });
      continue;
    }
    const found = summarizeChange({ before: pair.base?.object, after: pair.head?.object });
    if (found.length === 0) continue;
    // Two kinds can share a name across groups (a Service and a Knative Service): keep both lines.
    const name = formatResourceId(change.id);
    facts.set(facts.has(name) ? `${name} (${change.id.group || 'core'})` : name, found);
  }
  for (const { pair, change } of autoscaled) addAutoscalerFacts(facts, pair, change.id.namespace);
  const summary = [...facts].map(([resource, list]) => ({ resource, facts: capFacts(list) }));
  return maskSecretValues({ changes, summary }, [...opts.base, ...opts.head]);
}

function maskSecretValues(result: DiffResult, resources: readonly Resource[]): DiffResult {
  const values = secretValuesOf(resources, MIN_MASKED_SECRET_LENGTH);
  if (values.length === 0) return result;
  return {
    changes: result.changes.map((c) => ({ ...c, diff: scrubText(c.diff, values) })),
    summary: result.summary.map((s) => ({
      resource: scrubText(s.resource, values),
      facts: s.facts.map((f) => scrubText(f, values)),
    })),
  };
}

/** Identity → base and head resource. A duplicate identity on one side: the later one wins, as with apply. */
function pairResources(base: readonly Resource[], head: readonly Resource[]): Pair[] {
  const pairs = new Map<string, Pair>();
  for (const r of base) {
    const key = resourceKey(r.id);
    pairs.set(key, { key, base: r });
  }
  for (const r of head) {
    const key = resourceKey(r.id);
    const pair = pairs.get(key);
    if (pair) pair.head = pair.base ? withBaseGenerated(pair.base, r) : r;
    else pairs.set(key, { key, head: r });
  }
  return [...pairs.values()];
}

/**
 * The head with the base's values in the fields both sides generate anew on every render (a chart's
 * randAlphaNum password): they differ between any two renders, so the difference says nothing about
 * the change, and the next deploy replaces them anyway (the render finding says so). Only where a
 * hidden difference can carry nothing else (maskableGenerated).
 */
function withBaseGenerated(base: Resource, head: Resource): Resource {
  if (!base.generated || !head.generated) return head;
  const inBase = new Set(base.generated);
  const shared = head.generated.filter((p) => inBase.has(p) && isMaskableGenerated(head.id, p));
  if (shared.length === 0) return head;
  let object: unknown = head.object;
  for (const pointer of shared) {
    const path = parsePointer(pointer);
    const value = valueAt(base.object, path);
    if (value.found) object = withValueAt(object, path, value.value);
  }
  return { ...head, object: object as KubeObject };
}

function valueAt(object: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let at = object;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return { found: false };
    at = (at as Record<string, unknown>)[key];
  }
  return { found: true, value: at };
}

/** A copy of `object` with `value` at `path`, sharing what it does not change; unchanged when a step is missing. */
function withValueAt(object: unknown, path: readonly string[], value: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  if (typeof object !== 'object' || object === null || !Object.hasOwn(object, key)) return object;
  const child = withValueAt((object as Record<string, unknown>)[key], rest, value);
  if (Array.isArray(object)) {
    const copy = [...object];
    copy[Number(key)] = child;
    return copy;
  }
  return { ...(object as Record<string, unknown>), [key]: child };
}

function diffPair(pair: Pair): Change {
  const resource = (pair.head ?? pair.base) as Resource;
  const { action, diff } = compareSides(pair, resource);
  const change: Change = {
    id: resource.id,
    apiVersion: resource.apiVersion,
    action,
    diff,
    file: resource.file,
    line: resource.line,
  };
  if (action === 'removed') {
    const metadata = pair.base?.object.metadata;
    const kept = keptOnPrune(
      isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : undefined,
    );
    if (kept) change.kept = kept;
  }
  return change;
}

/** How the pair's two sides differ, as text. */
function compareSides(pair: Pair, resource: Resource): { action: Action; diff: string } {
  // Most of a target is untouched by a pull request: the same data on both sides formats to the same
  // text, so it is unchanged without formatting either side (the pair shares its identity, so
  // withIdentity and the Secret redaction treat both sides alike).
  if (pair.base && pair.head && isIndistinguishable(pair.base.object, pair.head.object)) {
    return { action: 'unchanged', diff: '' };
  }
  const redacted = redactSecrets({ before: withIdentity(pair.base), after: withIdentity(pair.head) });
  const before = textOf(redacted.before);
  const after = textOf(redacted.after);
  const action: Action =
    before === undefined
      ? 'added'
      : after === undefined
        ? 'removed'
        : before === after
          ? 'unchanged'
          : 'changed';
  const diff =
    action === 'unchanged' ? '' : formatUnifiedDiff({ label: formatResourceId(resource.id), before, after });
  return { action, diff };
}

/**
 * The object with the namespace its identity says: spelling out the target's default namespace, or
 * dropping a namespace from a cluster-scoped object, changes nothing on the cluster.
 */
function withIdentity(resource: Resource | undefined): KubeObject | undefined {
  if (!resource) return undefined;
  const { object, id } = resource;
  const metadata = isMap(object.metadata) ? object.metadata : {};
  if ((metadata.namespace ?? '') === id.namespace) return object;
  const { namespace: _declared, ...rest } = metadata;
  return { ...object, metadata: id.namespace ? { ...rest, namespace: id.namespace } : rest };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(obj: KubeObject | undefined): string | undefined {
  // formatYaml orders keys and marks alias cycles as normalizeObject does: no ordered copy first.
  return obj === undefined ? undefined : formatYaml(stripNoise(obj), { circularAsText: true });
}

function addAutoscalerFacts(facts: Map<string, string[]>, pair: Pair, namespace: string): void {
  const before = autoscalerOf(pair.base?.object);
  const after = autoscalerOf(pair.head?.object);
  const targetOf = (v: { targetKind: string; targetName: string }): string =>
    formatResourceId({ group: '', kind: v.targetKind, namespace, name: v.targetName });
  const add = (resource: string, found: string[]): void => {
    if (found.length === 0) return;
    facts.set(resource, [...(facts.get(resource) ?? []), ...found]);
  };
  if (before && after && targetOf(before) !== targetOf(after)) {
    add(targetOf(before), diffAutoscaler(before, undefined));
    add(targetOf(after), diffAutoscaler(undefined, after));
  } else if (before || after) {
    add(targetOf((after ?? before) as NonNullable<typeof before>), diffAutoscaler(before, after));
  }
}
