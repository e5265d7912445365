import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { redactCredentials } from '../diff/redact-credentials.ts';
import type { ClusterClient } from './cluster-client.ts';
import type { Logger } from './logger.ts';
import { formatError } from './logger.ts';

export interface SyncEvent {
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. `Applied`, `Refused`, `RolledBack`. */
  reason: string;
  message: string;
}

/** The object an Event is about: a Sync or a Preview. */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
}

/**
 * A Kubernetes Event on a Sync or Preview (`kubectl describe sync|preview`); failures to record are
 * logged, not fatal.
 */
export async function recordEvent(opts: {
  client: ClusterClient;
  object: InvolvedObject;
  event: SyncEvent;
  now: Date;
  log: Logger;
}): Promise<void> {
  const { object: sync, event } = opts;
  const time = opts.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const namespace = sync.metadata.namespace ?? 'ferry-system';
  try {
    await opts.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${sync.metadata.name}.${opts.now.getTime().toString(16)}${randomBytes(2).toString('hex')}`,
        namespace,
      },
      involvedObject: {
        apiVersion: sync.apiVersion,
        kind: sync.kind,
        name: sync.metadata.name,
        namespace,
        uid: sync.metadata.uid,
      },
      reason: event.reason,
      // Events are readable by anyone who can read the namespace: no token from a URL in them.
      message: redactCredentials(event.message).slice(0, 1024),
      type: event.type,
      source: { component: 'ferry-agent' },
      reportingComponent: 'ferry.dev/agent',
      reportingInstance: hostname(),
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    });
  } catch (err) {
    opts.log.warn('could not record event', {
      object: `${sync.kind} ${sync.metadata.name}`,
      reason: event.reason,
      error: formatError(err),
    });
  }
}
