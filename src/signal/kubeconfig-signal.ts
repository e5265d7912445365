import { KubeConfig } from '@kubernetes/client-node';
import { KubeObjectClient } from './kube-object-client.ts';
import type { Signal, SignalResult, SyncRequest } from './signal.ts';
import { upsertSync } from './upsert-sync.ts';

/**
 * A kubeconfig: `file` (else KUBECONFIG, ~/.kube/config, or the in-cluster service account, in the
 * order client-node's loadFromDefault uses), optionally switched to `context`.
 */
export function loadKubeConfig(
  opts: { file?: string; context?: string; inCluster?: boolean } = {},
): KubeConfig {
  const kc = new KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.file) kc.loadFromFile(opts.file);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`kubeconfig has no context '${opts.context}'`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kc;
}

/** Signals through any cluster a kubeconfig reaches. */
export function createKubeconfigSignal(opts: {
  kubeConfig: KubeConfig;
  namespace?: string;
  timeoutMs?: number;
}): Signal {
  const client = new KubeObjectClient(
    opts.kubeConfig,
    opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs },
  );
  return {
    sendSync(request: SyncRequest): Promise<SignalResult> {
      return upsertSync(client, request, opts.namespace ? { namespace: opts.namespace } : {});
    },
  };
}
