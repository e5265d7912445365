import { setOwn } from '../manifest/set-own.ts';
import { type DesiredObject, objectKey } from './prepare-objects.ts';

/** Ferry's own wave annotation; Argo CD's is honoured too, so an Argo CD repository keeps its order. */
export const WAVE_ANNOTATION = 'ferry.dev/wave';
export const ARGO_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';
export const ARGO_HOOK = 'argocd.argoproj.io/hook';
export const ARGO_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** What a deploy is to Helm: the first one of a target installs, later ones upgrade. */
export type HookEvent = 'install' | 'upgrade';
export type HookDeletePolicy = 'before-hook-creation' | 'hook-succeeded' | 'hook-failed';

export interface Phase {
  /** `pre-hook` and `post-hook` phases hold Helm hooks of one weight; `wave` phases the rest. */
  kind: 'pre-hook' | 'wave' | 'post-hook';
  /** The wave number or the hooks' weight. */
  order: number;
  objects: DesiredObject[];
}

export interface WavePlan {
  /** In apply order: pre-hooks by weight, waves ascending, post-hooks by weight. */
  phases: Phase[];
  /** Delete policies of the hooks applied in this plan, by object key. */
  hookPolicies: Map<string, Set<HookDeletePolicy>>;
  /** Keys of every hook in the render (applied or not): never pruned as leftovers of the render. */
  hookKeys: Set<string>;
  /** Hooks the render has that are not applied, with why (Helm `test` hooks, other events). */
  skipped: { object: string; reason: string }[];
}

export class WaveError extends Error {
  override name = 'WaveError';
}

function phaseLabel(p: Phase): string {
  return p.kind === 'wave' ? `wave ${p.order}` : `${p.kind} weight ${p.order}`;
}

/**
 * Refuses a plan that applies an object before the CustomResourceDefinition or Namespace of the render
 * it needs (in a later phase): the API server would refuse it (no matches for kind, namespace not
 * found) after the earlier phases were applied. Within one phase the apply orders them itself.
 */
function checkPrerequisites(phases: readonly Phase[]): void {
  const crds = new Map<string, { object: DesiredObject; at: number }>();
  const namespaces = new Map<string, { object: DesiredObject; at: number }>();
  phases.forEach((p, at) => {
    for (const o of p.objects) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(o.name, { object: o, at });
      if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith('apiextensions.k8s.io/'))
        continue;
      const spec = (o.object.spec ?? {}) as { group?: unknown; names?: { kind?: unknown } };
      crds.set(`${String(spec.group)}|${String(spec.names?.kind)}`, { object: o, at });
    }
  });
  const problems: string[] = [];
  phases.forEach((p, at) => {
    for (const o of p.objects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      for (const need of [
        crds.get(`${group}|${o.kind}`),
        o.namespace ? namespaces.get(o.namespace) : undefined,
      ]) {
        const later = need && need.at > at ? phases[need.at] : undefined;
        if (need && later)
          problems.push(
            `${describe(o)} (${phaseLabel(p)}) needs ${describe(need.object)}, applied later (${phaseLabel(later)})`,
          );
      }
    }
  });
  if (problems.length === 0) return;
  throw new WaveError(
    `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` and ${problems.length - 5} more` : ''}: the API server refuses an object before its CustomResourceDefinition or Namespace exists; give them the same wave or an earlier one`,
  );
}

const POLICIES: readonly HookDeletePolicy[] = ['before-hook-creation', 'hook-succeeded', 'hook-failed'];

function describe(o: DesiredObject): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

function annotationsOf(o: DesiredObject): Record<string, string> {
  const meta = (o.object.metadata ?? {}) as { annotations?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.annotations ?? {})) if (typeof v === 'string') setOwn(out, k, v);
  return out;
}

function integerOf(o: DesiredObject, key: string, value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  if (!/^[+-]?\d{1,9}$/.test(value.trim()))
    throw new WaveError(
      `${describe(o)}: annotation ${key}: "${value}" is not an integer (e.g. "-1", "0", "2")`,
    );
  return Number(value.trim());
}

/** Argo CD's delete policies, by their Helm names (the same three). */
const ARGO_POLICIES: Readonly<Record<string, HookDeletePolicy>> = {
  BeforeHookCreation: 'before-hook-creation',
  HookSucceeded: 'hook-succeeded',
  HookFailed: 'hook-failed',
};

/**
 * An object's hook as Helm would read it. Argo CD's `argocd.argoproj.io/hook` wins over `helm.sh/hook`
 * (as in Argo CD, which maps Helm's only when its own is absent): `PreSync` is a pre-hook of every
 * deploy, `PostSync` a post-hook, each ordered by its sync wave, with Argo CD's delete policies;
 * `Sync` is an object of its wave; `SyncFail`, `PostDelete` and `Skip` are never applied.
 */
function readHook(
  o: DesiredObject,
  a: Record<string, string>,
): { helm: string[]; weight: number; policies: string[]; label: string } | { skip: string } | undefined {
  const argo = listOf(a[ARGO_HOOK]);
  if (argo.length === 0) {
    const helm = listOf(a[HELM_HOOK]);
    if (helm.length === 0) return undefined;
    return {
      helm,
      weight: integerOf(o, HELM_HOOK_WEIGHT, a[HELM_HOOK_WEIGHT]),
      policies: listOf(a[HELM_HOOK_DELETE_POLICY]),
      label: 'a Helm hook',
    };
  }
  const helm: string[] = [];
  for (const hook of argo) {
    if (hook === 'PreSync') helm.push('pre-install', 'pre-upgrade');
    else if (hook === 'PostSync') helm.push('post-install', 'post-upgrade');
    else if (hook === 'Sync') return undefined;
    else if (hook === 'Skip') return { skip: `${ARGO_HOOK}: Skip` };
    else if (hook === 'SyncFail' || hook === 'PostDelete')
      return { skip: `an Argo CD ${hook} hook: Ferry runs hooks before and after a deploy only` };
    else
      throw new WaveError(
        `${describe(o)}: annotation ${ARGO_HOOK}: unknown hook "${hook}" (use PreSync, Sync, PostSync, SyncFail, PostDelete or Skip)`,
      );
  }
  const policies = listOf(a[ARGO_HOOK_DELETE_POLICY]).map((p) => {
    const policy = ARGO_POLICIES[p];
    if (!policy)
      throw new WaveError(
        `${describe(o)}: annotation ${ARGO_HOOK_DELETE_POLICY}: unknown policy "${p}" (use ${Object.keys(ARGO_POLICIES).join(', ')})`,
      );
    return policy;
  });
  return {
    helm,
    weight: integerOf(o, ARGO_WAVE_ANNOTATION, a[ARGO_WAVE_ANNOTATION]),
    policies,
    label: `an Argo CD ${argo.join(', ')} hook`,
  };
}

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function group(objects: { order: number; object: DesiredObject }[], kind: Phase['kind']): Phase[] {
  const byOrder = new Map<number, DesiredObject[]>();
  for (const { order, object } of objects) byOrder.set(order, [...(byOrder.get(order) ?? []), object]);
  return [...byOrder.entries()]
    .sort(([a], [b]) => a - b)
    .map(([order, objs]) => ({ kind, order, objects: objs }));
}

/**
 * Orders a target's objects into phases, as Helm and Argo CD do. Pure.
 *
 * Helm hooks (`helm.sh/hook`) follow Helm: `pre-<event>` hooks before everything, `post-<event>` after,
 * each group of one `helm.sh/hook-weight` applied and healthy before the next; `test` hooks are never
 * applied (`helm test` runs them); hooks for other events (delete, rollback, the other of
 * install/upgrade) are not applied. With no event (a resync of the applied revision) no hook runs.
 * Everything else is grouped by `ferry.dev/wave` (else `argocd.argoproj.io/sync-wave`, else 0).
 * A hook's delete policy defaults to `before-hook-creation`, as in Helm 3.
 */
export function planWaves(opts: {
  objects: readonly DesiredObject[];
  event: HookEvent | undefined;
}): WavePlan {
  const pre: { order: number; object: DesiredObject }[] = [];
  const post: { order: number; object: DesiredObject }[] = [];
  const waves: { order: number; object: DesiredObject }[] = [];
  const hookPolicies = new Map<string, Set<HookDeletePolicy>>();
  const hookKeys = new Set<string>();
  const skipped: WavePlan['skipped'] = [];
  for (const o of opts.objects) {
    const a = annotationsOf(o);
    const hook = readHook(o, a);
    if (hook === undefined) {
      const key = a[WAVE_ANNOTATION] !== undefined ? WAVE_ANNOTATION : ARGO_WAVE_ANNOTATION;
      waves.push({ order: integerOf(o, key, a[key]), object: o });
      continue;
    }
    hookKeys.add(objectKey(o));
    if ('skip' in hook) {
      skipped.push({ object: describe(o), reason: hook.skip });
      continue;
    }
    const hooks = hook.helm;
    if (hooks.includes('test') || hooks.includes('test-success')) {
      skipped.push({
        object: describe(o),
        reason: 'a Helm test hook: `helm test` runs it, Ferry does not apply it',
      });
      continue;
    }
    const weight = hook.weight;
    const isPre = opts.event !== undefined && hooks.includes(`pre-${opts.event}`);
    const isPost = opts.event !== undefined && hooks.includes(`post-${opts.event}`);
    if (!isPre && !isPost) {
      skipped.push({
        object: describe(o),
        reason: opts.event
          ? `${hook.label} for ${hooks.join(', ')}, not for ${opts.event}`
          : `${hook.label} (hooks run only when a new revision is deployed)`,
      });
      continue;
    }
    const policies = hook.policies;
    const unknown = policies.filter((p) => !POLICIES.includes(p as HookDeletePolicy));
    if (unknown.length > 0)
      throw new WaveError(
        `${describe(o)}: annotation ${HELM_HOOK_DELETE_POLICY}: unknown policy "${unknown.join(', ')}" (use ${POLICIES.join(', ')})`,
      );
    hookPolicies.set(
      objectKey(o),
      new Set(policies.length > 0 ? (policies as HookDeletePolicy[]) : ['before-hook-creation']),
    );
    (isPre ? pre : post).push({ order: weight, object: o });
  }
  const phases = [...group(pre, 'pre-hook'), ...group(waves, 'wave'), ...group(post, 'post-hook')];
  checkPrerequisites(phases);
  return {
    phases,
    hookPolicies,
    hookKeys,
    skipped,
  };
}
