import { KubeApiError } from '../signal/kube-object-client.ts';
import type { KubeObject } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';
import { type Health, hasHealthSemantics, healthOf } from './health-of.ts';
import { listLive } from './list-live.ts';
import { sleep } from './map-limit.ts';
import { type DesiredObject, objectKey } from './prepare-objects.ts';

export interface HealthResult {
  healthy: boolean;
  message: string;
  /** Objects not healthy at the end, with why. */
  problems: { object: string; health: Health }[];
}

function describe(o: DesiredObject): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

const WORKLOADS = new Set(['apps|Deployment', 'apps|StatefulSet', 'apps|DaemonSet', 'batch|Job']);

/**
 * Why a workload that ran out of time is stuck, from its pods: the first one whose container waits for
 * a reason that will not clear by itself (CrashLoopBackOff, ImagePullBackOff, …) or that failed, as
 * Argo CD shows it in the resource tree. Best effort: a pod list the agent may not read says nothing.
 */
async function findStuckPod(
  client: ClusterClient,
  workload: KubeObject | undefined,
): Promise<string | undefined> {
  if (!workload) return undefined;
  const group = workload.apiVersion.includes('/') ? workload.apiVersion.split('/')[0] : '';
  if (!WORKLOADS.has(`${group}|${workload.kind}`)) return undefined;
  const meta = (workload.metadata ?? {}) as { namespace?: string };
  const selector = ((workload.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> } }).selector
    ?.matchLabels;
  if (!meta.namespace || !selector || Object.keys(selector).length === 0) return undefined;
  try {
    const { items } = await client.list({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: meta.namespace,
      labelSelector: Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    });
    for (const pod of items) {
      const health = healthOf(pod);
      if (health.state === 'unhealthy')
        return `pod ${String((pod.metadata as { name?: string } | undefined)?.name)}: ${health.message}`;
    }
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
  }
  return undefined;
}

/**
 * Polls the applied workloads (one LIST per kind) until all are healthy, one is unhealthy, or the
 * target's deadline passes. Kinds without health semantics are healthy on apply.
 */
export async function waitForHealth(opts: {
  client: ClusterClient;
  objects: readonly DesiredObject[];
  targetName: string;
  timeoutMs: number;
  pollMs: number;
}): Promise<HealthResult> {
  const watched = opts.objects.filter((o) => hasHealthSemantics(o.apiVersion, o.kind));
  if (watched.length === 0) return { healthy: true, message: 'no workloads to wait for', problems: [] };
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const live = await listLive({ client: opts.client, kinds: watched, targetName: opts.targetName });
    const states = watched.map((o) => {
      const object: KubeObject | undefined = live.get(objectKey(o));
      const health: Health = object ? healthOf(object) : { state: 'progressing', message: 'not found yet' };
      return { object: describe(o), health, desired: o };
    });
    const unhealthy = states.filter((s) => s.health.state === 'unhealthy');
    if (unhealthy.length > 0) {
      return {
        healthy: false,
        message: unhealthy.map((s) => `${s.object}: ${s.health.message}`).join('; '),
        problems: unhealthy.map(({ object, health }) => ({ object, health })),
      };
    }
    // Stale status (`unknown`) is waited for like progress, and never counts as healthy.
    const pending = states.filter((s) => s.health.state === 'progressing' || s.health.state === 'unknown');
    if (pending.length === 0)
      return { healthy: true, message: `${watched.length} workload(s) healthy`, problems: [] };
    if (Date.now() >= deadline) {
      const shown = await Promise.all(
        pending.slice(0, 5).map(async (s) => {
          const why = await findStuckPod(opts.client, live.get(objectKey(s.desired)));
          return `${s.object}: ${s.health.message}${why ? ` (${why})` : ''}`;
        }),
      );
      return {
        healthy: false,
        message: `not healthy after ${Math.round(opts.timeoutMs / 1000)}s: ${shown.join('; ')}`,
        problems: pending.map(({ object, health }) => ({ object, health })),
      };
    }
    await sleep(opts.pollMs);
  }
}
