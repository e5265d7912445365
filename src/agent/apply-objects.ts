import { recreateOptIn } from '../manifest/recreate-opt-in.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import { KubeApiError } from '../signal/kube-object-client.ts';
import { FIELD_MANAGER } from '../signal/sync-object.ts';
import type { KubeObject } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';
import { isInSync } from './is-in-sync.ts';
import { RECREATE_ANNOTATION, REVISION_ANNOTATION } from './labels.ts';
import { mapLimit, sleep } from './map-limit.ts';
import { type DesiredObject, objectKey, orderStages, withRevision } from './prepare-objects.ts';

export interface ApplyFailure {
  object: string;
  message: string;
}

export interface ApplyResult {
  /** Created or changed by this apply. */
  applied: DesiredObject[];
  /** Already as Git says (not sent). */
  unchanged: DesiredObject[];
  recreated: string[];
  failures: ApplyFailure[];
  /** The revision annotation each object carries after the apply. */
  revisions: Map<string, string>;
}

function describe(o: DesiredObject): string {
  return formatResourceId({ group: '', kind: o.kind, namespace: o.namespace, name: o.name });
}

function annotationsOf(o: KubeObject | undefined): Record<string, string> {
  const meta = (o?.metadata ?? {}) as { annotations?: Record<string, string> };
  return meta.annotations ?? {};
}

function resourceVersionOf(o: KubeObject | undefined): string | undefined {
  return ((o?.metadata ?? {}) as { resourceVersion?: string }).resourceVersion;
}

const isClaim = (o: DesiredObject) => o.kind === 'PersistentVolumeClaim' && o.apiVersion === 'v1';
const isStatefulSet = (o: DesiredObject) => o.kind === 'StatefulSet' && o.apiVersion === 'apps/v1';

/** Tries of one object's apply that the API server failed (a 5xx, or a 429 past the client's waits). */
export const SERVER_ERROR_ATTEMPTS = 3;

/**
 * The API server answered, with a server error: etcd's leader changed, a webhook timed out, a 503.
 * Retried for the object; a network failure (code 0) still fails the whole reconcile.
 */
function isServerError(err: unknown): boolean {
  return err instanceof KubeApiError && err.retryable && err.code !== 0;
}

/** Sends `apply` again after a server error, a few times with a short pause; the last error is thrown. */
async function withServerRetries<T>(apply: () => Promise<T>, pollMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply();
    } catch (err) {
      if (!isServerError(err) || attempt >= SERVER_ERROR_ATTEMPTS) throw err;
      await sleep(Math.min(pollMs, 1000) * attempt);
    }
  }
}

/** A server error that outlasted the retries: what failed, and where to look for a webhook's. */
function describeServerError(err: KubeApiError): string {
  const hook = /failed calling webhook "([^"]+)"/.exec(err.message);
  if (hook)
    return `admission webhook ${hook[1]} could not be called (${err.message}): it is down or too slow, and with failurePolicy Fail the API server refuses what it matches; check its Service and pods`;
  return `the API server failed on it ${SERVER_ERROR_ATTEMPTS} times (${err.message})`;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(2)} MiB`;
}

/** The API server's refusal, with what to do where Ferry knows it better than the server's words. */
function describeRefusal(err: KubeApiError, o: DesiredObject): string {
  // A namespace the render creates is applied before its members, so a missing one is missing from both.
  if (err.code === 404 && o.namespace && err.message.includes(`namespaces "${o.namespace}" not found`))
    return `namespace ${o.namespace} does not exist and the target does not create it: add a Namespace ${o.namespace} to the target, or create it (kubectl create namespace ${o.namespace})`;
  if (err.code === 422 && isClaim(o) && /can not be less than/.test(err.message))
    return `${err.message} (a PersistentVolumeClaim can grow but not shrink: keep its size, or move the data to a new, smaller claim under another name)`;
  // The API server refuses a CRD that drops a version objects are stored in (a rollback across a
  // version change): say which and the ways out.
  const stored =
    /status\.storedVersions\[\d+\]: Invalid value: "([^"]+)": must appear in spec\.versions/.exec(
      err.message,
    );
  if (err.code === 422 && o.kind === 'CustomResourceDefinition' && stored)
    return `${err.message} (the cluster stores objects of this definition as ${stored[1]}, which this revision's CRD no longer lists: deploy a CRD that keeps ${stored[1]} (served: false is enough), or migrate the stored objects and remove ${stored[1]} from status.storedVersions first)`;
  // The API server reads at most 3 MiB of request body (413 before any validation), whatever the kind.
  if (err.code === 413)
    return `it is larger than the API server accepts in one request (${err.message}): split it into several objects, or ship large data in the image or on a volume`;
  // etcd refuses a write over its --max-request-bytes (1.5 MiB by default) with a 500 that the same
  // object gets every time: under the API server's 3 MiB, over what etcd stores.
  if (err.etcdTooLarge)
    return `it is ${formatMiB(Buffer.byteLength(JSON.stringify(o.object)))} as Git has it, more than etcd stores in one object (1.5 MiB unless the cluster's etcd sets --max-request-bytes; the API server said: ${err.message}): split it into several objects, or ship large data in the image or on a volume`;
  if (isServerError(err)) return describeServerError(err);
  // core.MaxSecretSize: the API server keeps at most 1 MiB of data in one ConfigMap or Secret.
  if (
    err.code === 422 &&
    (o.kind === 'ConfigMap' || o.kind === 'Secret') &&
    /Too long: .*1048576/.test(err.message)
  )
    return `its data is larger than the 1 MiB the API server stores in one ${o.kind}: split it into several, or ship the file in the image or on a volume (${err.message})`;
  return err.message;
}

/**
 * A refused apply's failure message, or undefined when the object is to be deleted and applied again:
 * an immutable-field refusal of an object that opts in with `ferry.dev/recreate: enabled`, never a
 * PersistentVolumeClaim. Pure.
 */
function whyNotRecreate(err: KubeApiError, o: DesiredObject): string | undefined {
  if (!err.immutableField) return describeRefusal(err, o);
  // Deleting a claim can delete its volume's data (reclaimPolicy Delete), and one in use would sit
  // Terminating until its pod goes: no recreate, whatever the annotation says.
  if (isClaim(o))
    return `${err.message} (Ferry never deletes a PersistentVolumeClaim to recreate it, as its volume's data could go with it: give the changed claim a new name and point the workload at it)`;
  if (!recreateOptIn(annotationsOf(o.object)))
    return `${err.message} (add the annotation ${RECREATE_ANNOTATION}: enabled to let Ferry delete and recreate it)`;
  return undefined;
}

async function waitUntilGone(
  client: ClusterClient,
  o: DesiredObject,
  timeoutMs: number,
  pollMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await client.get(o))) return true;
    await sleep(pollMs);
  }
  return false;
}

async function waitEstablished(
  client: ClusterClient,
  crds: DesiredObject[],
  timeoutMs: number,
  pollMs: number,
): Promise<ApplyFailure[]> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(crds);
  while (pending.size > 0) {
    for (const crd of [...pending]) {
      const live = await client.get(crd);
      const conditions =
        ((live?.status ?? {}) as { conditions?: { type?: string; status?: string }[] }).conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) pending.delete(crd);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      return [...pending].map((c) => ({
        object: describe(c),
        message: `not Established after ${Math.round(timeoutMs / 1000)}s`,
      }));
    }
    await sleep(pollMs);
  }
  return [];
}

/**
 * Server-side apply of a target's objects, CRDs then Namespaces then the rest, as field manager `ferry`
 * with force (Git wins over other managers) and strict field validation. Objects already as Git says are
 * not sent; the revision annotation is only rewritten on objects a revision changes. An immutable-field
 * refusal recreates the object when it opts in with `ferry.dev/recreate: enabled`. A server error (5xx)
 * is retried for the object a few times and then collected with the refusals; a network failure or
 * timeout is thrown so the whole sync is retried.
 */
export async function applyObjects(opts: {
  client: ClusterClient;
  objects: readonly DesiredObject[];
  live: ReadonlyMap<string, KubeObject>;
  revision: string;
  concurrency: number;
  crdTimeoutMs: number;
  pollMs: number;
}): Promise<ApplyResult> {
  const result: ApplyResult = {
    applied: [],
    unchanged: [],
    recreated: [],
    failures: [],
    revisions: new Map(),
  };
  const applyOne = async (o: DesiredObject): Promise<void> => {
    const key = objectKey(o);
    const live = opts.live.get(key);
    if (isInSync(o.object, live, FIELD_MANAGER)) {
      result.unchanged.push(o);
      result.revisions.set(key, annotationsOf(live)[REVISION_ANNOTATION] ?? opts.revision);
      return;
    }
    const body = withRevision(o, opts.revision);
    const apply = () =>
      withServerRetries(
        () =>
          opts.client.apply(body, { fieldManager: FIELD_MANAGER, force: true, fieldValidation: 'Strict' }),
        opts.pollMs,
      );
    let after: KubeObject;
    try {
      after = await apply();
    } catch (err) {
      // Unreachable or timed out: the whole reconcile is retried. A server error that outlasted the
      // retries is this object's failure (the Sync says so; the next resync retries the request),
      // not a retry of the whole reconcile for ever while the Sync says Applying.
      if (!(err instanceof KubeApiError) || (err.retryable && !isServerError(err))) throw err;
      const refusal = whyNotRecreate(err, o);
      if (refusal !== undefined) {
        result.failures.push({ object: describe(o), message: refusal });
        return;
      }
      // A StatefulSet goes without its pods (kubectl delete --cascade=orphan): the new one adopts them
      // and its claims, so a volumeClaimTemplates change does not take the database down.
      await opts.client.delete(o, { propagationPolicy: isStatefulSet(o) ? 'Orphan' : 'Background' });
      if (!(await waitUntilGone(opts.client, o, 60_000, opts.pollMs))) {
        result.failures.push({
          object: describe(o),
          message: 'deleted for recreation but still present after 60s (finalizers?)',
        });
        return;
      }
      after = await apply();
      result.recreated.push(isStatefulSet(o) ? `${describe(o)}, keeping its pods and claims` : describe(o));
    }
    result.revisions.set(key, opts.revision);
    // A no-op apply keeps the resourceVersion: only count what the server actually changed.
    if (!live || resourceVersionOf(after) !== resourceVersionOf(live)) result.applied.push(o);
    else result.unchanged.push(o);
  };

  const { crds, namespaces, rest } = orderStages(opts.objects);
  await mapLimit(crds, opts.concurrency, applyOne);
  const established = crds.filter((c) => !result.failures.some((f) => f.object === describe(c)));
  result.failures.push(...(await waitEstablished(opts.client, established, opts.crdTimeoutMs, opts.pollMs)));
  await mapLimit(namespaces, opts.concurrency, applyOne);
  await mapLimit(rest, opts.concurrency, applyOne);
  return result;
}
