import { KubeApiError } from '../signal/kube-object-client.ts';
import { FIELD_MANAGER } from '../signal/sync-object.ts';
import type { ClusterClient } from './cluster-client.ts';
import type { Logger } from './logger.ts';
import { formatError } from './logger.ts';

/** The fields of a coordination.k8s.io/v1 Lease that leader election reads. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
  acquireTime?: string;
  leaseTransitions?: number;
}

export type LeaseAction = 'renew' | 'acquire' | 'wait';

/**
 * What a candidate does with the Lease it read. Pure. It renews its own, takes one that is free or
 * whose holder stopped renewing for longer than the lease duration, and otherwise waits (client-go's
 * leaderelection reads the same way).
 */
export function decideLease(opts: {
  lease: LeaseSpec | undefined;
  identity: string;
  now: Date;
}): LeaseAction {
  const { lease } = opts;
  if (!lease?.holderIdentity) return 'acquire';
  if (lease.holderIdentity === opts.identity) return 'renew';
  const renewed = Date.parse(lease.renewTime ?? lease.acquireTime ?? '');
  if (Number.isNaN(renewed)) return 'acquire';
  const expires = renewed + (lease.leaseDurationSeconds ?? 15) * 1000;
  return opts.now.getTime() > expires ? 'acquire' : 'wait';
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface LeaderElection {
  /** Stops campaigning; a leader releases the Lease so a standby takes over at once. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

/**
 * Campaigns for the Lease `name` in `namespace`: one replica leads (runs the agent loop), the others
 * stand by. Writes are merge patches carrying the resourceVersion read, so two candidates racing for
 * a free or expired Lease cannot both win (the API server answers the slower one 409).
 */
export function startLeaderElection(opts: {
  client: Pick<ClusterClient, 'get' | 'create' | 'mergePatch'>;
  namespace: string;
  name?: string;
  identity: string;
  leaseDurationMs: number;
  /** How often to renew (leader) or retry (standby); well under the lease duration. */
  retryMs: number;
  now: () => Date;
  log: Logger;
  onStartedLeading: () => void;
  /** The Lease was lost (a renewal failed until another could take it): stop acting at once. */
  onStoppedLeading: () => void;
}): LeaderElection {
  const ref = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: opts.namespace,
    name: opts.name ?? 'ferry-agent',
  };
  const seconds = Math.max(1, Math.ceil(opts.leaseDurationMs / 1000));
  let leader = false;
  let lastRenew = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const lose = (why: string) => {
    if (!leader) return;
    leader = false;
    opts.log.warn('lost the leader lease', { lease: ref.name, identity: opts.identity, why });
    opts.onStoppedLeading();
  };

  const attempt = async () => {
    const now = opts.now();
    try {
      const lease = await opts.client.get(ref);
      const spec = (lease?.spec ?? undefined) as LeaseSpec | undefined;
      const action = decideLease({ lease: spec, identity: opts.identity, now });
      if (action === 'wait') {
        lose(`held by ${spec?.holderIdentity}`);
        return;
      }
      const next: LeaseSpec = {
        holderIdentity: opts.identity,
        leaseDurationSeconds: seconds,
        renewTime: microTime(now),
        ...(action === 'acquire'
          ? { acquireTime: microTime(now), leaseTransitions: (spec?.leaseTransitions ?? 0) + (spec ? 1 : 0) }
          : {}),
      };
      if (!lease) {
        await opts.client.create(
          { ...ref, metadata: { name: ref.name, namespace: ref.namespace }, spec: next },
          {
            fieldManager: FIELD_MANAGER,
          },
        );
      } else {
        const resourceVersion = (lease.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
        await opts.client.mergePatch(
          ref,
          { metadata: { resourceVersion }, spec: next },
          { fieldManager: FIELD_MANAGER },
        );
      }
      lastRenew = now.getTime();
      if (!leader && !stopped) {
        leader = true;
        opts.log.info('became the leader', { lease: ref.name, identity: opts.identity });
        opts.onStartedLeading();
      }
    } catch (err) {
      // 409: another candidate wrote first. Anything else: keep leading until the lease would expire.
      if (err instanceof KubeApiError && err.code === 409) lose('another candidate took the lease');
      else if (leader && opts.now().getTime() - lastRenew > opts.leaseDurationMs * 0.8)
        lose(`could not renew: ${formatError(err)}`);
      else opts.log.warn('leader election attempt failed', { lease: ref.name, error: formatError(err) });
    }
  };

  const loop = () => {
    if (stopped) return;
    running = attempt().finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.retryMs);
    });
  };
  loop();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      if (!leader) return;
      leader = false;
      try {
        // Release: an empty holder lets a standby take over without waiting for the lease to expire.
        await opts.client.mergePatch(
          ref,
          { spec: { holderIdentity: null, renewTime: null } },
          {
            fieldManager: FIELD_MANAGER,
          },
        );
      } catch (err) {
        opts.log.warn('could not release the leader lease', { error: formatError(err) });
      }
    },
  };
}
