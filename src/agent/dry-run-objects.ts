/**
 * The cluster's answer before merge (issue 13): every object of a PR head sent as the deploy would
 * send it (server-side apply as `ferry`, strict field validation, the target's labels and ApplySet
 * membership), with `dryRun=All`, so validation, immutable fields, admission webhooks, CEL rules,
 * quotas and other field managers answer now. Nothing is written: the API server runs the whole
 * request path and persists nothing.
 */
import {
  describeRefusal,
  parseConflicts,
  parseFieldPath,
  type RefusalStatus,
} from '../live/describe-refusal.ts';
import type { LiveCheckState, LiveFinding } from '../live/live-result.ts';
import { maskSecretValues } from '../live/mask-secret-values.ts';
import { lineOf, locationOf } from '../manifest/line-of.ts';
import { recreateOptIn } from '../manifest/recreate-opt-in.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import { KubeApiError } from '../signal/kube-object-client.ts';
import { FIELD_MANAGER } from '../signal/sync-object.ts';
import type { KubeObject, Resource, Severity } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';
import { TARGET_LABEL } from './labels.ts';
import { mapLimit } from './map-limit.ts';
import {
  type DesiredObject,
  listCrdScopes,
  objectKey,
  orderStages,
  prepareObjects,
  UnknownKindError,
  withRevision,
} from './prepare-objects.ts';
import { resolveScopes } from './resolve-scopes.ts';
import { findAutoscaled, withAutoscaledReplicas } from './with-autoscaled-replicas.ts';

export interface DryRunOutcome {
  findings: LiveFinding[];
  /** Objects the API server answered for (accepted or refused). */
  checked: number;
  state: LiveCheckState;
  note?: string;
}

/** At most this many conflicting fields are named in one finding. */
const MAX_CONFLICT_FIELDS = 5;

interface Planned {
  resource: Resource;
  desired: DesiredObject;
}

function annotationsOf(object: KubeObject): Record<string, string> {
  const meta = (object.metadata ?? {}) as { annotations?: Record<string, string> };
  return meta.annotations ?? {};
}

function statusOf(err: KubeApiError): RefusalStatus {
  return { code: err.code, reason: err.reason, message: err.message, causes: err.causes };
}

/**
 * Dry-runs every object in the deploy's order (CRDs, Namespaces, the rest) and returns what the
 * cluster says as findings. A conflict with another field manager is a warning (the merge takes the
 * fields over: the deploy forces), and the apply is sent again with force for the rest of the answer.
 * Objects the cluster cannot check yet — a kind whose CRD, or a namespace, this revision creates —
 * are info. `target` makes the objects exactly what the merge sends (labels, ApplySet, revision).
 * Stops at `signal` (the preview's deadline) with state `timed-out`.
 */
export async function dryRunObjects(opts: {
  client: ClusterClient;
  resources: readonly Resource[];
  concurrency: number;
  signal?: AbortSignal;
  target?: { name: string; applySetId?: string; namespace?: string; revision?: string };
}): Promise<DryRunOutcome> {
  const findings: LiveFinding[] = [];
  const add = (
    r: Resource,
    f: { severity: Severity; message: string; detail?: string; field?: (string | number)[] },
  ) => {
    const at = f.field ? locationOf(r, f.field) : { file: r.file, line: lineOf(r) };
    findings.push({
      check: 'dry-run',
      severity: f.severity,
      resource: formatResourceId(r.id),
      file: at.file,
      line: at.line,
      // Without any value of this object's Secret, short ones too (what only this object knows);
      // credentials and every Secret of the target leave all findings together in makeLiveResult.
      message: maskSecretValues(f.message, r.object),
      ...(f.detail ? { detail: maskSecretValues(f.detail, r.object) } : {}),
    });
  };

  const served = await resolveScopes(opts.client, opts.resources);
  const crdScopes = listCrdScopes(opts.resources);
  const planned: Planned[] = [];
  for (const resource of opts.resources) {
    const key = `${resource.object.apiVersion}|${resource.object.kind}`;
    if (!served.has(key) && crdScopes.has(key)) {
      add(resource, { severity: 'info', message: 'not checked: its CRD is new in this revision' });
      continue;
    }
    try {
      const [desired] = prepareObjects({
        resources: [resource],
        targetName: opts.target?.name ?? '',
        ...(opts.target?.applySetId ? { applySetId: opts.target.applySetId } : {}),
        defaultNamespace: opts.target?.namespace ?? (resource.id.namespace || undefined),
        scopeOf: (apiVersion, kind) => served.get(`${apiVersion}|${kind}`),
        ...(opts.target?.revision ? { revision: opts.target.revision } : {}),
      });
      if (!desired) continue;
      if (!opts.target) withoutTargetLabel(desired.object);
      planned.push({ resource, desired });
    } catch (err) {
      if (!(err instanceof UnknownKindError)) throw err;
      add(resource, {
        severity: 'error',
        message: `merging will fail: the cluster does not serve ${resource.object.apiVersion} ${resource.object.kind} and no CustomResourceDefinition in this revision defines it`,
      });
    }
  }

  await keepAutoscaledReplicas(opts.client, planned);

  const newNamespaces = new Set<string>();
  const namespaceObjects = planned.filter(
    (p) => p.desired.kind === 'Namespace' && p.desired.apiVersion === 'v1',
  );
  for (const p of namespaceObjects) {
    if (!(await opts.client.get({ apiVersion: 'v1', kind: 'Namespace', name: p.desired.name }))) {
      newNamespaces.add(p.desired.name);
    }
  }

  let checked = 0;
  let stopped = false;
  const dryRunOne = async (p: Planned): Promise<void> => {
    if (opts.signal?.aborted) {
      stopped = true;
      return;
    }
    const body = opts.target?.revision ? withRevision(p.desired, opts.target.revision) : p.desired.object;
    const send = (force: boolean) =>
      opts.client.apply(body, {
        fieldManager: FIELD_MANAGER,
        force,
        dryRun: true,
        fieldValidation: 'Strict',
      });
    try {
      try {
        await send(false);
      } catch (err) {
        if (!(err instanceof KubeApiError) || err.code !== 409) throw err;
        const { fields, managers } = parseConflicts(statusOf(err));
        const shown = fields.slice(0, MAX_CONFLICT_FIELDS).join(', ');
        const more =
          fields.length > MAX_CONFLICT_FIELDS ? ` and ${fields.length - MAX_CONFLICT_FIELDS} more` : '';
        add(p.resource, {
          severity: 'warning',
          message: `merging takes over ${shown || 'fields'}${more} from ${managers.join(', ') || 'another field manager'}`,
          detail: err.message,
          ...(fields[0] ? { field: parseFieldPath(fields[0]) } : {}),
        });
        await send(true);
      }
      checked++;
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      if (err.code !== 0) checked++;
      const refusal = describeRefusal(statusOf(err), {
        namespace: p.desired.namespace,
        namespaceIsNew: newNamespaces.has(p.desired.namespace),
        recreate: recreateOptIn(annotationsOf(p.desired.object)) !== undefined,
      });
      add(p.resource, { ...refusal, detail: err.message });
    }
  };

  const stages = orderStages(planned.map((p) => p.desired));
  const byDesired = new Map(planned.map((p) => [p.desired, p]));
  for (const stage of [stages.crds, stages.namespaces, stages.rest]) {
    const items = stage.map((d) => byDesired.get(d)).filter((p): p is Planned => p !== undefined);
    await mapLimit(items, opts.concurrency, dryRunOne);
  }

  if (stopped) {
    return {
      findings,
      checked,
      state: 'timed-out',
      note: `stopped at the deadline: ${checked} of ${planned.length} objects checked`,
    };
  }
  return { findings, checked, state: 'done' };
}

/** As the merge will send them: an object an autoscaler of the head scales keeps its live replicas. */
async function keepAutoscaledReplicas(client: ClusterClient, planned: Planned[]): Promise<void> {
  const scaled = findAutoscaled(planned.map((p) => p.desired));
  if (scaled.length === 0) return;
  const live = new Map<string, KubeObject>();
  for (const o of scaled) {
    const object = await client.get(o);
    if (object) live.set(objectKey(o), object);
  }
  const kept = withAutoscaledReplicas(
    planned.map((p) => p.desired),
    live,
  ).objects;
  kept.forEach((desired, i) => {
    const p = planned[i];
    if (p) p.desired = desired;
  });
}

/** Without a target, an object carries only its own labels (prepareObjects adds the target's). */
function withoutTargetLabel(object: KubeObject): void {
  const meta = object.metadata as { labels?: Record<string, string> };
  if (!meta.labels) return;
  delete meta.labels[TARGET_LABEL];
  if (Object.keys(meta.labels).length === 0) delete meta.labels;
}
