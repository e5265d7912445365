import { Annotations, CfnCondition, Fn, type ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ClusterConfig } from './load-stack-config.ts';

/**
 * The Kubernetes group the worker's role is mapped to. The agent's kustomize base
 * (infra/agent/rbac.yaml) binds it to the `ferry-signal` Role: get, create and patch on Ferry's
 * Sync objects in ferry-system, nothing else.
 */
export const SIGNAL_GROUP = 'ferry:signal';

export interface EksSignalAccessProps {
  role: iam.IRole;
  clusters: ClusterConfig[];
}

/**
 * What the worker needs to signal each configured cluster: `eks:DescribeCluster` on that cluster
 * only (endpoint and CA), and an EKS access entry mapping the worker's role to `ferry:signal`.
 * The token itself is a presigned STS GetCallerIdentity, which needs no permission.
 */
export class EksSignalAccess extends Construct {
  readonly clusterArns: string[] = [];

  constructor(scope: Construct, id: string, props: EksSignalAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const cluster of props.clusters) {
      const region = cluster.region ?? stack.region;
      const account = cluster.accountId ?? stack.account;
      this.clusterArns.push(
        stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: cluster.name, region, account }),
      );
      this.addAccessEntry(cluster, props.role);
    }
    if (this.clusterArns.length > 0) {
      props.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: this.clusterArns }),
      );
    }
  }

  /**
   * An access entry is a regional resource of the cluster's account: it is created here only for
   * clusters in the stack's own account and region. Elsewhere the command to run is printed.
   */
  private addAccessEntry(cluster: ClusterConfig, role: iam.IRole): void {
    const stack = Stack.of(this);
    const mismatch = (wanted: string | undefined, actual: string) =>
      wanted !== undefined && !Token.isUnresolved(actual) && wanted !== actual;
    if (mismatch(cluster.region, stack.region) || mismatch(cluster.accountId, stack.account)) {
      Annotations.of(this).addWarningV2(
        'ferry:eks-access-entry-elsewhere',
        `EKS cluster ${cluster.name} is not in this stack's account/region: create its access entry there: ` +
          `aws eks create-access-entry --cluster-name ${cluster.name}` +
          `${cluster.region ? ` --region ${cluster.region}` : ''} --principal-arn <WorkerRoleArn output> ` +
          `--kubernetes-groups ${SIGNAL_GROUP} --type STANDARD`,
      );
      return;
    }
    const entry = new eks.CfnAccessEntry(this, `AccessEntry-${cluster.name}`, {
      clusterName: cluster.name,
      principalArn: role.roleArn,
      kubernetesGroups: [SIGNAL_GROUP],
      type: 'STANDARD',
    });
    // Environment-agnostic template (no region/account known at synth): decide at deploy time.
    const conditions: ICfnConditionExpression[] = [];
    if (cluster.region !== undefined && Token.isUnresolved(stack.region)) {
      conditions.push(Fn.conditionEquals(stack.region, cluster.region));
    }
    if (cluster.accountId !== undefined && Token.isUnresolved(stack.account)) {
      conditions.push(Fn.conditionEquals(stack.account, cluster.accountId));
    }
    if (conditions.length > 0) {
      const [only] = conditions;
      entry.cfnOptions.condition = new CfnCondition(this, `InClusterEnv-${cluster.name}`, {
        expression: conditions.length === 1 && only ? only : Fn.conditionAnd(...conditions),
      });
    }
  }
}
