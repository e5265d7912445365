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
      return { object: describe(o), health };
    });
    const unhealthy = states.filter((s) => s.health.state === 'unhealthy');
    if (unhealthy.length > 0) {
      return {
        healthy: false,
        message: unhealthy.map((s) => `${s.object}: ${s.health.message}`).join('; '),
        problems: unhealthy,
      };
    }
    // Stale status (`unknown`) is waited for like progress, and never counts as healthy.
    const pending = states.filter((s) => s.health.state === 'progressing' || s.health.state === 'unknown');
    if (pending.length === 0)
      return { healthy: true, message: `${watched.length} workload(s) healthy`, problems: [] };
    if (Date.now() >= deadline) {
      return {
        healthy: false,
        message: `not healthy after ${Math.round(opts.timeoutMs / 1000)}s: ${pending
          .slice(0, 5)
          .map((s) => `${s.object}: ${s.health.message}`)
          .join('; ')}`,
        problems: pending,
      };
    }
    await sleep(opts.pollMs);
  }
}
