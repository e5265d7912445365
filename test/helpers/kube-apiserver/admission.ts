/**
 * Validating admission as the real API server runs it after object validation: webhooks (stand-ins
 * for Kyverno, Gatekeeper, a CEL policy…) and the ResourceQuota plugin. Dry-run requests go through
 * both; a webhook that declares side effects refuses dry-run before it is called.
 * Wording from k8s.io/apiserver admission/plugin/webhook/errors/statuserror.go (`ToStatusErr`,
 * `NewDryRunUnsupportedErr`) and plugin/resourcequota/controller.go (`checkRequest`).
 */
import { ApiError, badRequest, qualifiedResource } from './api-status.ts';
import type { Obj } from './object-store.ts';
import type { ResourceType } from './resource-types.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE';

export interface AdmissionRule {
  /** API groups ('' is core); default: any. */
  apiGroups?: string[];
  /** Plural resources (`jobs`, `deployments/status`) or `*`; either this or `kinds`. */
  resources?: string[];
  kinds?: string[];
  operations: (AdmissionOperation | '*')[];
}

export interface AdmissionRequest {
  operation: AdmissionOperation;
  object: Obj;
  oldObject: Obj | undefined;
  dryRun: boolean;
  namespace: string;
  name: string;
}

/**
 * What the webhook answers: allowed, or a denial whose `result` the server wraps (code defaults to 403);
 * or `callError`: the webhook could not be called (a timeout, no endpoints), which with
 * `failurePolicy: Fail` the API server answers as NewInternalError(ErrCallingWebhook).
 */
export type AdmissionVerdict =
  | true
  | { message?: string; code?: number; reason?: string }
  | { callError: string };

export interface AdmissionWebhook {
  /** Fully qualified, `validate.kyverno.svc`. */
  name: string;
  sideEffects: 'None' | 'NoneOnDryRun' | 'Some' | 'Unknown';
  rules: AdmissionRule[];
  review: (request: AdmissionRequest) => AdmissionVerdict;
}

export interface AdmissionAttributes {
  type: ResourceType;
  subresource: string;
  operation: AdmissionOperation;
  object: Obj;
  oldObject: Obj | undefined;
  namespace: string;
  name: string;
  dryRun: boolean;
}

function matchesRule(rule: AdmissionRule, a: AdmissionAttributes): boolean {
  const resource = a.subresource ? `${a.type.plural}/${a.subresource}` : a.type.plural;
  const groups = rule.apiGroups ?? ['*'];
  if (!groups.includes('*') && !groups.includes(a.type.group)) return false;
  if (!rule.operations.includes('*') && !rule.operations.includes(a.operation)) return false;
  if (rule.kinds) return !a.subresource && rule.kinds.includes(a.type.kind);
  const resources = rule.resources ?? ['*'];
  return resources.includes(resource) || (!a.subresource && resources.includes('*'));
}

/** Calls every matching webhook in order; the first denial (or dry-run refusal) is thrown. */
export function runWebhooks(webhooks: readonly AdmissionWebhook[], a: AdmissionAttributes): void {
  for (const hook of webhooks) {
    if (!hook.rules.some((rule) => matchesRule(rule, a))) continue;
    if (a.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
      throw badRequest(`admission webhook "${hook.name}" does not support dry run`);
    }
    const verdict = hook.review({
      operation: a.operation,
      object: structuredClone(a.object),
      oldObject: a.oldObject === undefined ? undefined : structuredClone(a.oldObject),
      dryRun: a.dryRun,
      namespace: a.namespace,
      name: a.name,
    });
    if (verdict === true) continue;
    if ('callError' in verdict) {
      // webhook/errors.go ErrCallingWebhook wrapped by apierrors.NewInternalError (dispatcher, Fail).
      const err = `failed calling webhook "${hook.name}": failed to call webhook: ${verdict.callError}`;
      throw new ApiError({
        code: 500,
        reason: 'InternalError',
        message: `Internal error occurred: ${err}`,
        details: { causes: [{ message: err }] },
      });
    }
    const code = verdict.code ?? 403;
    const deniedBy = `admission webhook "${hook.name}" denied the request`;
    const said = verdict.message || verdict.reason;
    const message = said ? `${deniedBy}: ${said}` : `${deniedBy} without explanation`;
    const prefix =
      code === 500
        ? 'Internal error occurred'
        : `${qualifiedResource(a.type.plural, a.type.group)} "${a.name || 'Unknown'}" is forbidden`;
    throw new ApiError({
      code,
      reason: verdict.reason || (code === 500 ? 'InternalError' : 'Forbidden'),
      message: `${prefix}: ${message}`,
      details: { name: a.name || 'Unknown', group: a.type.group, kind: a.type.plural },
    });
  }
}

// ---- ResourceQuota ----------------------------------------------------------------------------------

/** Core kinds whose object count has a legacy quota name besides `count/<resource>`. */
const LEGACY_COUNTS = new Set([
  'pods',
  'services',
  'configmaps',
  'secrets',
  'persistentvolumeclaims',
  'replicationcontrollers',
  'resourcequotas',
]);

const BINARY: readonly [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];
const DECIMAL: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  ...Object.fromEntries(BINARY),
};

/** A quantity string (`10Gi`, `500M`, `3`) as a number, or undefined. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE])?$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (DECIMAL[m[2] ?? ''] ?? 1);
}

/** The canonical form the server prints: the largest binary suffix that divides evenly, else plain. */
function formatQuantity(n: number): string {
  for (const [suffix, scale] of BINARY) if (n !== 0 && n % scale === 0) return `${n / scale}${suffix}`;
  return String(n);
}

function storageOf(object: Obj | undefined): number {
  const spec = (object?.spec ?? {}) as { resources?: { requests?: Record<string, unknown> } };
  return parseQuantity(spec.resources?.requests?.storage) ?? 0;
}

/** What one object of `type` adds to each quota resource it is counted under. */
function usageKeys(type: ResourceType): string[] {
  const keys = [`count/${type.group ? `${type.plural}.${type.group}` : type.plural}`];
  if (type.group === '' && LEGACY_COUNTS.has(type.plural)) keys.push(type.plural);
  return keys;
}

/** Usage of a namespace: object counts by the quota names of `type`, plus requested storage for PVCs. */
export function quotaUsage(type: ResourceType, objects: readonly Obj[]): Record<string, number> {
  const used: Record<string, number> = {};
  for (const key of usageKeys(type)) used[key] = objects.length;
  if (type.group === '' && type.plural === 'persistentvolumeclaims') {
    used['requests.storage'] = objects.reduce((sum, o) => sum + storageOf(o), 0);
  }
  return used;
}

function prettyPrint(values: Record<string, number>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${k}=${formatQuantity(values[k] ?? 0)}`)
    .join(',');
}

/**
 * The ResourceQuota plugin: refuses a create (or a PVC growing) that takes any quota of the namespace
 * over its hard limit. `objects` are the namespace's current objects of the written type; usage is
 * computed from them, as the quota controller would have recorded it.
 */
export function checkQuotas(opts: {
  quotas: readonly Obj[];
  attrs: AdmissionAttributes;
  objects: readonly Obj[];
}): void {
  const { attrs } = opts;
  if (attrs.subresource) return;
  const requested: Record<string, number> = {};
  if (attrs.operation === 'CREATE') for (const key of usageKeys(attrs.type)) requested[key] = 1;
  if (attrs.type.group === '' && attrs.type.plural === 'persistentvolumeclaims') {
    const delta = storageOf(attrs.object) - storageOf(attrs.oldObject);
    if (delta > 0) requested['requests.storage'] = delta;
  }
  if (Object.keys(requested).length === 0) return;
  const used = quotaUsage(attrs.type, opts.objects);
  for (const quota of opts.quotas) {
    const hard = (((quota.spec ?? {}) as Obj).hard ?? {}) as Record<string, unknown>;
    const exceeded = Object.keys(requested).filter((key) => {
      const limit = parseQuantity(hard[key]);
      return limit !== undefined && (used[key] ?? 0) + (requested[key] ?? 0) > limit;
    });
    if (exceeded.length === 0) continue;
    const pick = (values: Record<string, number>) =>
      Object.fromEntries(exceeded.map((k) => [k, values[k] ?? 0]));
    const limited = Object.fromEntries(exceeded.map((k) => [k, parseQuantity(hard[k]) ?? 0]));
    const name = String(((quota.metadata ?? {}) as Obj).name);
    throw new ApiError({
      code: 403,
      reason: 'Forbidden',
      message: `${qualifiedResource(attrs.type.plural, attrs.type.group)} "${attrs.name}" is forbidden: exceeded quota: ${name}, requested: ${prettyPrint(pick(requested))}, used: ${prettyPrint(pick(used))}, limited: ${prettyPrint(limited)}`,
      details: { name: attrs.name, group: attrs.type.group, kind: attrs.type.plural },
    });
  }
}
