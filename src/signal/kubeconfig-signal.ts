import { KubeConfig } from '@kubernetes/client-node';
import { KubeObjectClient } from './kube-object-client.ts';
import type { PreviewRequest, PreviewSignalResult, Signal, SignalResult, SyncRequest } from './signal.ts';
import { upsertPreview } from './upsert-preview.ts';
import { upsertSync } from './upsert-sync.ts';

/**
 * A kubeconfig: `file` (else KUBECONFIG, ~/.kube/config, or the in-cluster service account, in the
 * order client-node's loadFromDefault uses), optionally switched to `context`.
 */
/** A kubeconfig that is missing, unreadable or says nothing usable: the user's to fix. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

export function loadKubeConfig(
  opts: { file?: string; context?: string; inCluster?: boolean } = {},
): KubeConfig {
  const kc = new KubeConfig();
  const where = opts.file ?? (process.env.KUBECONFIG || '~/.kube/config');
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.file) kc.loadFromFile(opts.file);
    else kc.loadFromDefault();
  } catch (err) {
    // client-node throws ENOENT for a missing file and TypeErrors for an empty or non-kubeconfig one.
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : 'not a kubeconfig (empty, or YAML without clusters, users and contexts)';
    throw new KubeconfigError(
      `kubeconfig ${where}: ${problem}; pass --kubeconfig PATH (or set KUBECONFIG) to a working one, e.g. from 'aws eks update-kubeconfig'`,
      { cause: err },
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeconfigError(
        `kubeconfig ${where} has no context '${opts.context}' (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeconfigError(
      `kubeconfig ${where} has no current cluster; pass --context NAME or set current-context in the file`,
    );
  }
  return allowPlainHttp(kc);
}

/**
 * kubectl talks plain HTTP to an `http://` server (`kubectl proxy`, a local test cluster); client-node
 * refuses one unless the cluster also says `insecure-skip-tls-verify`, which changes nothing there is
 * no TLS to verify. So an `http://` cluster gets it, and Ferry reaches what kubectl reaches.
 */
function allowPlainHttp(kc: KubeConfig): KubeConfig {
  const plain = (server: string) => /^http:\/\//i.test(server);
  if (!kc.clusters.some((c) => plain(c.server) && !c.skipTLSVerify)) return kc;
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (plain(c.server) ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
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
  const where = opts.namespace ? { namespace: opts.namespace } : {};
  return {
    sendSync(request: SyncRequest): Promise<SignalResult> {
      return upsertSync(client, request, where);
    },
    requestPreview(request: PreviewRequest): Promise<PreviewSignalResult> {
      return upsertPreview(client, request, where);
    },
  };
}
