import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { KubeConfig } from '@kubernetes/client-node';
import { type AwsCredentials, createEksToken, type EksToken } from './eks-token.ts';
import { KubeApiError, KubeObjectClient } from './kube-object-client.ts';
import type { PreviewRequest, PreviewSignalResult, Signal, SignalResult, SyncRequest } from './signal.ts';
import { upsertPreview } from './upsert-preview.ts';
import { upsertSync } from './upsert-sync.ts';

export interface EksClusterInfo {
  endpoint: string;
  /** Base64 PEM of the cluster CA, as DescribeCluster returns it. */
  certificateAuthority: string;
}

/** DescribeCluster answers for the life of the process (an endpoint and CA do not change under a cluster). */
const clusterCache = new Map<string, Promise<EksClusterInfo>>();

export class EksClusterError extends Error {
  override name = 'EksClusterError';
}

/** Endpoint and CA of an EKS cluster, cached per region and name for the process. */
export function getEksCluster(opts: {
  eks: EKSClient;
  clusterName: string;
  region: string;
}): Promise<EksClusterInfo> {
  const key = `${opts.region}/${opts.clusterName}`;
  const cached = clusterCache.get(key);
  if (cached) return cached;
  const pending = opts.eks.send(new DescribeClusterCommand({ name: opts.clusterName })).then((out) => {
    const endpoint = out.cluster?.endpoint;
    const certificateAuthority = out.cluster?.certificateAuthority?.data;
    if (!endpoint || !certificateAuthority) {
      throw new EksClusterError(
        `EKS cluster ${key}: DescribeCluster returned no endpoint or CA (status ${out.cluster?.status ?? 'unknown'})`,
      );
    }
    return { endpoint, certificateAuthority };
  });
  clusterCache.set(key, pending);
  // A failure is not cached: the next signal asks again.
  pending.catch(() => clusterCache.delete(key));
  return pending;
}

/** For tests: forget cached DescribeCluster answers. */
export function clearEksClusterCache(): void {
  clusterCache.clear();
}

export interface EksSignalOptions {
  clusterName: string;
  region: string;
  eks?: EKSClient;
  /** Default: the Node provider chain (env, SSO, web identity, the Lambda role, IMDS). */
  credentials?: AwsCredentials;
  namespace?: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** Signals an EKS cluster: DescribeCluster for endpoint and CA, an IAM token, then the common Sync patch. */
export function createEksSignal(opts: EksSignalOptions): Signal {
  const eks = opts.eks ?? new EKSClient({ region: opts.region });
  const credentials = opts.credentials ?? fromNodeProviderChain();
  const now = opts.now ?? (() => new Date());
  let token: EksToken | undefined;
  let client: KubeObjectClient | undefined;

  const clientFor = async (): Promise<KubeObjectClient> => {
    const cluster = await getEksCluster({ eks, clusterName: opts.clusterName, region: opts.region });
    if (client && token && now() < token.expiresAt) return client;
    token = await createEksToken({
      clusterName: opts.clusterName,
      region: opts.region,
      credentials,
      signingDate: now(),
    });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: opts.clusterName,
          server: cluster.endpoint,
          caData: cluster.certificateAuthority,
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'ferry-signal', token: token.token }],
      contexts: [{ name: opts.clusterName, cluster: opts.clusterName, user: 'ferry-signal' }],
      currentContext: opts.clusterName,
    });
    client = new KubeObjectClient(kc, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
    return client;
  };

  const where = opts.namespace ? { namespace: opts.namespace } : {};
  /** A token refused before its time (clock skew, a rotated role): make a fresh one and try once more. */
  const withFreshTokenOn401 = async <T>(send: (client: KubeObjectClient) => Promise<T>): Promise<T> => {
    try {
      return await send(await clientFor());
    } catch (err) {
      const cause = err instanceof Error ? err.cause : undefined;
      if (cause instanceof KubeApiError && cause.code === 401) {
        token = undefined;
        client = undefined;
        return send(await clientFor());
      }
      throw err;
    }
  };

  return {
    sendSync(request: SyncRequest): Promise<SignalResult> {
      return withFreshTokenOn401((c) => upsertSync(c, request, where));
    },
    requestPreview(request: PreviewRequest): Promise<PreviewSignalResult> {
      return withFreshTokenOn401((c) => upsertPreview(c, request, where));
    },
  };
}
