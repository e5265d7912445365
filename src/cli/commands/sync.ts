/**
 * `ferry sync TARGET --revision SHA`: the same signal a merge sends, from a terminal or another CI
 * system (like `flux reconcile` or `argocd app sync`), through the same Signal code path.
 */
import { targetWithDefaults } from '../../config/default-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createSignal } from '../../signal/create-signal.ts';
import type { Signal } from '../../signal/signal.ts';
import { SYNC_NAMESPACE } from '../../signal/sync-object.ts';
import type { ClusterRef, Target } from '../../types.ts';
import { parseArgs } from '../parse-args.ts';
import { parseNamespace } from '../parse-namespace.ts';
import { readRequestFlags } from '../read-request-flags.ts';
import { requireValidConfig } from '../require-valid-config.ts';
import { resolveWorkTree } from '../resolve-repo.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: ferry sync TARGET --revision SHA [--repo OWNER/REPO] [--reason TEXT] [--rollback]
                  [--kubeconfig PATH] [--context NAME] | [--eks-cluster NAME --region REGION]
                  [--deployment-id N] [--allow-mass-prune] [--release-hold] [--namespace NS] [--root DIR] [--branch B]

Asks TARGET's agent to sync SHA (a full commit SHA on the target's branch, in either case; the agent
verifies it).
The target, its branch and cluster come from .github/ferry.yml under --root (default: the working
directory's git root, else the working directory);
--eks-cluster or --kubeconfig/--context (not both) override the cluster. --repo defaults to GITHUB_REPOSITORY,
then to the 'origin' remote of the git repository at --root.
--release-hold lifts the target's hold on a rolled-back revision and applies SHA (which may be the held one).`;

export interface SyncCommandOverrides {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Replaces createSignal (tests inject EKS clients this way). */
  createSignal?: (cluster: ClusterRef) => Signal;
  write?: (line: string) => void;
  now?: () => Date;
}

function parse(argv: string[]) {
  return parseArgs(
    argv,
    {
      revision: { type: 'string' },
      repo: { type: 'string' },
      reason: { type: 'string' },
      rollback: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'eks-cluster': { type: 'string' },
      region: { type: 'string' },
      'deployment-id': { type: 'string' },
      'allow-mass-prune': { type: 'boolean', default: false },
      'release-hold': { type: 'boolean', default: false },
      namespace: { type: 'string', default: SYNC_NAMESPACE },
      root: { type: 'string' },
      branch: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
}

/** The target from .github/ferry.yml, or (with --branch) one described by the flags alone. */
async function findTarget(name: string, opts: { root: string; branch?: string }): Promise<Target> {
  const loaded = await loadConfig(opts.root, opts.branch ? { defaultBranch: opts.branch } : {});
  requireValidConfig(loaded);
  const { config } = loaded;
  const target = config.targets.find((t) => t.name === name);
  if (target) return opts.branch ? { ...target, branch: opts.branch } : target;
  if (!opts.branch) {
    const known = config.targets.map((t) => t.name).join(', ') || 'none';
    throw new UsageError(
      `no target '${name}' in .github/ferry.yml (targets: ${known}); pass --branch to sync it anyway`,
    );
  }
  return targetWithDefaults({ name, path: '', branch: opts.branch });
}

function clusterOf(
  flags: ReturnType<typeof parse>['values'],
  target: Target,
  env: NodeJS.ProcessEnv,
): ClusterRef {
  if (flags['eks-cluster']) {
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--eks-cluster needs --region (or AWS_REGION)');
    return { provider: 'eks', name: flags['eks-cluster'], region };
  }
  if (flags.kubeconfig || flags.context)
    return { provider: 'kubeconfig', ...(flags.context ? { context: flags.context } : {}) };
  if (target.cluster?.provider === 'eks' && !target.cluster.region) {
    // As for --eks-cluster: --region, else the AWS CLI's own variables.
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new UsageError(
        `target '${target.name}' is on EKS cluster ${target.cluster.name}, whose region .github/ferry.yml does not say: pass --region (or set AWS_REGION), or add cluster.region to the target`,
      );
    }
    return { ...target.cluster, region };
  }
  return target.cluster ?? { provider: 'kubeconfig' };
}

/**
 * The request's flags, checked: a full SHA, owner/repo, a positive deployment id, a namespace name, one
 * way to the cluster.
 */
async function readSyncFlags(
  flags: ReturnType<typeof parse>['values'],
  env: NodeJS.ProcessEnv,
  root: string,
) {
  // EKS (DescribeCluster and an IAM token) or a kubeconfig: one excludes the other.
  const kubeconfigFlag = flags.kubeconfig ? '--kubeconfig' : flags.context ? '--context' : undefined;
  if (flags['eks-cluster'] && kubeconfigFlag) {
    throw new UsageError(
      `options '--eks-cluster' and '${kubeconfigFlag}' conflict: give --eks-cluster (and --region) to reach an EKS cluster through AWS, or --kubeconfig/--context to reach it through a kubeconfig, not both`,
    );
  }
  const namespace = parseNamespace(flags.namespace);
  const { revision, repository } = await readRequestFlags({
    flags,
    env,
    root,
    purpose: 'the full 40-character commit SHA to sync',
  });
  const id = flags['deployment-id'];
  const deploymentId = id === undefined ? undefined : Number(id);
  if (deploymentId !== undefined && (!Number.isSafeInteger(deploymentId) || deploymentId <= 0)) {
    throw new UsageError("option '--deployment-id' must be a positive integer");
  }
  return { revision, repository, deploymentId, namespace };
}

export async function syncCommand(argv: string[], overrides: SyncCommandOverrides = {}): Promise<number> {
  const { values: flags, positionals } = parse(argv);
  const write = overrides.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (flags.help) {
    write(HELP);
    return 0;
  }
  const env = overrides.env ?? process.env;
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0)
    throw new UsageError(name ? `unexpected argument '${extra[0]}': give one TARGET` : 'missing TARGET');
  const root = resolveWorkTree(flags.root, overrides.cwd, '--root');
  const { revision, repository, deploymentId, namespace } = await readSyncFlags(flags, env, root);
  const target = await findTarget(name, { root, ...(flags.branch ? { branch: flags.branch } : {}) });
  const cluster = clusterOf(flags, target, env);
  const signal = overrides.createSignal
    ? overrides.createSignal(cluster)
    : createSignal(cluster, {
        namespace,
        ...(flags.kubeconfig ? { kubeconfigFile: flags.kubeconfig } : {}),
        ...(flags.region ? { defaultRegion: flags.region } : {}),
      });
  const result = await signal.sendSync({
    target,
    repository,
    revision,
    reason: flags.reason ?? (flags.rollback ? 'rollback requested with ferry sync' : 'ferry sync'),
    requestedAt: (overrides.now ?? (() => new Date()))().toISOString(),
    ...(flags.rollback ? { rollback: true } : {}),
    ...(flags['allow-mass-prune'] ? { allowMassPrune: true } : {}),
    ...(flags['release-hold'] ? { releaseHold: true } : {}),
    ...(deploymentId !== undefined ? { deploymentId } : {}),
  });
  const sha = revision.slice(0, 7);
  write(
    result.changed
      ? `Sync ${result.sync}: requested ${sha}${flags.rollback ? ' (rollback)' : ''}${flags['release-hold'] ? ' (releasing the hold)' : ''}`
      : `Sync ${result.sync}: ${sha} was already requested`,
  );
  return 0;
}
