import type { EKSClient } from '@aws-sdk/client-eks';
import type { ClusterRef } from '../types.ts';
import { createEksSignal, EksClusterError } from './eks-signal.ts';
import type { AwsCredentials } from './eks-token.ts';
import { createKubeconfigSignal, loadKubeConfig } from './kubeconfig-signal.ts';
import type { Signal } from './signal.ts';

export interface CreateSignalOptions {
  /** Region for an EKS cluster ref without one (e.g. the Lambda's AWS_REGION). */
  defaultRegion?: string;
  eks?: EKSClient;
  credentials?: AwsCredentials;
  /** Kubeconfig file for `provider: kubeconfig` (else KUBECONFIG / ~/.kube/config). */
  kubeconfigFile?: string;
  namespace?: string;
  timeoutMs?: number;
}

/** The Signal for a target's cluster: EKS (IAM token) or a kubeconfig. */
export function createSignal(cluster: ClusterRef, opts: CreateSignalOptions = {}): Signal {
  const common = {
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  };
  if (cluster.provider === 'eks') {
    const region = cluster.region ?? opts.defaultRegion;
    if (!region)
      throw new EksClusterError(
        `EKS cluster ${cluster.name}: no region in the target and no default region: add cluster.region to the target in .github/ferry.yml`,
      );
    return createEksSignal({
      clusterName: cluster.name,
      region,
      ...(opts.eks ? { eks: opts.eks } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...common,
    });
  }
  const kubeConfig = loadKubeConfig({
    ...(opts.kubeconfigFile ? { file: opts.kubeconfigFile } : {}),
    ...(cluster.context ? { context: cluster.context } : {}),
  });
  return createKubeconfigSignal({ kubeConfig, ...common });
}
