import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findHomeDir, KubeConfig } from '@kubernetes/client-node';
import { KubeObjectClient } from './kube-object-client.ts';
import type { PreviewRequest, PreviewSignalResult, Signal, SignalResult, SyncRequest } from './signal.ts';
import { upsertPreview } from './upsert-preview.ts';
import { upsertSync } from './upsert-sync.ts';

/** A kubeconfig that is missing, unreadable or says nothing usable: the user's to fix. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

const FIX =
  "pass --kubeconfig PATH (or set KUBECONFIG) to a working one, e.g. from 'aws eks update-kubeconfig'";

/**
 * A kubeconfig: `file`, else KUBECONFIG (a list of files, merged as kubectl merges them), else
 * ~/.kube/config or the in-cluster service account (client-node's loadFromDefault), optionally switched
 * to `context`.
 */
export function loadKubeConfig(
  opts: { file?: string; context?: string; inCluster?: boolean; env?: NodeJS.ProcessEnv } = {},
): KubeConfig {
  const env = opts.env ?? process.env;
  let kc = new KubeConfig();
  const where = opts.file ?? (env.KUBECONFIG || '~/.kube/config');
  if (opts.file) kc = readKubeconfigFile(opts.file);
  else if (env.KUBECONFIG && !opts.inCluster) kc = readKubeconfigList(env.KUBECONFIG);
  else {
    try {
      if (opts.inCluster) kc.loadFromCluster();
      else kc.loadFromDefault();
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${where}: ${problemOf(err)}; ${FIX}`, { cause: err });
    }
    if (!opts.inCluster && isClientFallback(kc)) throw new KubeconfigError(describeNoKubeconfig());
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
  if (!kc.getCurrentCluster()) throw new KubeconfigError(describeNoCluster(kc, where));
  return allowPlainHttp(kc);
}

/**
 * client-node's loadFromDefault, finding no KUBECONFIG, no ~/.kube/config and no service account,
 * makes up a cluster at http://localhost:8080 rather than fail; Ferry says that nothing was found.
 */
function isClientFallback(kc: KubeConfig): boolean {
  const [only, ...others] = kc.clusters;
  return (
    others.length === 0 &&
    only?.name === 'cluster' &&
    only.server === 'http://localhost:8080' &&
    kc.currentContext === 'loaded-context'
  );
}

function describeNoKubeconfig(): string {
  // Where client-node looked: $HOME/.kube/config (findHomeDir), then the pod's service account.
  const home = findHomeDir();
  const file = home ? join(home, '.kube', 'config') : '~/.kube/config (HOME is not set)';
  return `no kubeconfig found: KUBECONFIG is not set, there is no ${file}, and this is not a pod with a service account; pass --kubeconfig PATH or set KUBECONFIG (e.g. after 'aws eks update-kubeconfig'), or run Ferry in the cluster`;
}

/** Why a kubeconfig gives no cluster: no current-context, one naming no context, or a context naming no cluster. */
function describeNoCluster(kc: KubeConfig, where: string): string {
  const list = (items: { name: string }[]) => items.map((i) => i.name).join(', ') || 'none';
  const current = kc.getCurrentContext();
  if (!current) {
    return `kubeconfig ${where} sets no current-context; pass --context NAME (contexts: ${list(kc.contexts)}) or set current-context in the file`;
  }
  const context = kc.getContextObject(current);
  if (!context) {
    return `kubeconfig ${where}: current-context '${current}' names no context in the file (contexts: ${list(kc.contexts)}); pass --context NAME or fix current-context`;
  }
  return `kubeconfig ${where}: context '${current}' names cluster '${context.cluster}', which is not in the file (clusters: ${list(kc.clusters)}); add it under clusters, or point the context at one that is`;
}

/** One kubeconfig file, which must hold one (an empty file, a folder or other YAML is said so). */
function readKubeconfigFile(file: string, opts: { inList?: boolean } = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig ${file}: ${problemOf(err)}; ${FIX}`, { cause: err });
  }
  if (!opts.inList && kc.clusters.length + kc.contexts.length + kc.users.length === 0) {
    throw new KubeconfigError(`kubeconfig ${file}: ${NOT_A_KUBECONFIG}; ${FIX}`);
  }
  return kc;
}

const NOT_A_KUBECONFIG = 'not a kubeconfig (empty, or YAML without clusters, users and contexts)';

/**
 * KUBECONFIG's files, merged as kubectl merges them: files that do not exist are skipped, and the first
 * file to name a cluster, user or context (or to set current-context) wins. client-node's own merge
 * stops at a missing file and refuses a name two files share.
 */
function readKubeconfigList(list: string): KubeConfig {
  const files = list.split(delimiter).filter((f) => f !== '');
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new KubeconfigError(
      `KUBECONFIG=${list}: ${files.length > 1 ? 'none of its files exists' : 'no such file'}; ${FIX}`,
    );
  }
  const loaded = present.map((f) => readKubeconfigFile(f, { inList: true }));
  const first = <T extends { name: string }>(items: T[]) => {
    const byName = new Map<string, T>();
    for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
    return [...byName.values()];
  };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: first(loaded.flatMap((k) => k.clusters)),
    users: first(loaded.flatMap((k) => k.users)),
    contexts: first(loaded.flatMap((k) => k.contexts)),
    currentContext: loaded.map((k) => k.currentContext).find((c) => c) ?? '',
  });
  if (kc.clusters.length + kc.contexts.length + kc.users.length === 0) {
    throw new KubeconfigError(`KUBECONFIG=${list}: ${NOT_A_KUBECONFIG}; ${FIX}`);
  }
  return kc;
}

/** What client-node's failure to read a kubeconfig file means, in words. */
function problemOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  // js-yaml's YAMLException: its reason and where.
  const yaml = err as { name?: string; reason?: unknown; mark?: { line?: unknown } };
  if (yaml.name === 'YAMLException' && typeof yaml.reason === 'string') {
    const line = typeof yaml.mark?.line === 'number' ? ` at line ${yaml.mark.line + 1}` : '';
    return `not valid YAML (${yaml.reason}${line})`;
  }
  // client-node throws TypeErrors for an empty or non-kubeconfig file.
  return NOT_A_KUBECONFIG;
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
