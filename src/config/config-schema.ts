import * as z from 'zod';
import { repoPathProblem } from './repo-path.ts';
import { RULE_DESCRIPTIONS, RULE_IDS, type RuleId } from './rule-ids.ts';

/**
 * The one schema of `.github/ferry.yml`: it validates the file (parse-config.ts), generates
 * docs/ferry.schema.json for editors (scripts/gen-config-schema.ts) and is what docs/config.md documents
 * (a test checks every key is mentioned there). Defaults that do not depend on the repository live here.
 */

export const DEFAULT_KUBERNETES_VERSION = '1.34';
export const DEFAULT_BRANCH = 'main';

/** RFC 1123 label, as Kubernetes object names and namespaces use it. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, { error: `must be at most 63 characters (a ${what} is a DNS-1123 label)` })
    .regex(DNS_LABEL, {
      error: `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`,
    });

const repoPath = z
  .string()
  .superRefine((value, ctx) => {
    const problem = repoPathProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description: 'A path relative to the repository root (POSIX separators, no `..`).',
    // For editors only; the refinement above gives the precise message.
    pattern: '^(?![/~])(?![A-Za-z]:)(?!(.*/)?\\.\\.(/|$))[^\\\\]*$',
  });

/**
 * A branch as GitHub names it in a push (`refs/heads/<branch>` without its prefix), which is what a
 * merge is matched against: the spellings other tools take (Argo CD's `targetRevision: HEAD`, a full
 * ref, a remote-tracking `origin/main`) and names git refuses would match no push, and the target would
 * never deploy, silently.
 */
function branchProblem(value: string): string | undefined {
  if (value === 'HEAD') return "HEAD is not a branch here: name the branch merges go to, such as 'main'";
  const short = /^refs\/heads\/(.+)$/.exec(value)?.[1];
  if (short) return `write the branch name without refs/heads/: '${short}'`;
  if (value.startsWith('refs/'))
    return `must be a branch name, not a ref: '${value}' is not under refs/heads/`;
  const remote = /^origin\/(.+)$/.exec(value)?.[1];
  if (remote) return `write the branch as GitHub names it, without the remote: '${remote}'`;
  // git check-ref-format: no component starts with '.' or ends with '.lock', no '..', '@{', '//', and
  // no leading '-', trailing '/' or '.'.
  if (
    /(^|\/)\.|\.lock($|\/)|\.\.|@\{|\/\/|^-|^\/|\/$|\.$/.test(value) ||
    value === '@' ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
    /[\x00-\x1f\x7f]/.test(value)
  ) {
    return `'${value}' is not a name git allows for a branch`;
  }
  return undefined;
}

export const severityOrOffSchema = z
  .enum(['off', 'info', 'warning', 'error'])
  .meta({ description: '`off` disables the rule; a severity replaces its default.' });

const rulesSchema = z
  .strictObject(
    Object.fromEntries(
      RULE_IDS.map((id) => [id, severityOrOffSchema.optional().meta({ description: RULE_DESCRIPTIONS[id] })]),
    ) as Record<RuleId, z.ZodOptional<typeof severityOrOffSchema>>,
  )
  .meta({ description: "Per-rule overrides of Ferry's validation rules: off | info | warning | error." });

const eksClusterSchema = z
  .strictObject({
    provider: z.literal('eks'),
    name: z
      .string()
      .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { error: 'must be an EKS cluster name' })
      .meta({ description: 'The EKS cluster name.' }),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' })
      .optional()
      .meta({ description: "The cluster's AWS region, e.g. us-east-1." }),
  })
  .meta({ description: 'An Amazon EKS cluster.' });

const kubeconfigClusterSchema = z
  .strictObject({
    provider: z.literal('kubeconfig'),
    context: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The kubeconfig context; default: the current one.' }),
  })
  .meta({ description: 'A cluster from a kubeconfig (the CLI and local development).' });

export const clusterSchema = z
  .discriminatedUnion('provider', [eksClusterSchema, kubeconfigClusterSchema])
  .meta({
    description: 'Where the target deploys. Absent: Ferry previews and validates but does not deploy.',
  });

/** A Kubernetes minor version, quoted. */
const kubernetesVersionSchema = z
  .string({ error: 'must be a quoted string such as "1.34" (unquoted, 1.30 would read as 1.3)' })
  .regex(/^1\.\d{1,2}$/, { error: 'must be a Kubernetes minor version such as "1.34"' });

const helmSchema = z
  .strictObject({
    releaseName: z
      .string()
      .max(53, { error: "must be at most 53 characters (Helm's release-name limit)" })
      .regex(DNS_LABEL, { error: 'must be a DNS-1123 label' })
      .optional()
      .meta({ description: 'The Helm release name passed to `helm template`.' }),
    values: z
      .array(repoPath)
      .default([])
      .meta({ description: 'Values files, repo-relative, applied in order.' }),
    apiVersions: z
      .array(
        z.string().regex(/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?(\/[A-Z][A-Za-z0-9]*)?$/, {
          error: 'must be an API version such as monitoring.coreos.com/v1 (or group/version/Kind)',
        }),
      )
      .default([])
      .meta({
        description:
          "Extra API versions the chart's `.Capabilities.APIVersions` reports (`helm template --api-versions`), e.g. the cluster's CRDs: `monitoring.coreos.com/v1`.",
      }),
  })
  .meta({ description: 'Options for a target whose path is a Helm chart.' });

export const targetSchema = z
  .strictObject({
    name: dnsLabel('target name').meta({
      description: 'Unique target name: the Sync object name and the GitHub environment.',
    }),
    path: repoPath
      .default('.')
      .meta({ description: 'Directory to render, relative to the repository root.' }),
    branch: z
      .string()
      .regex(/^[^\s~^:?*[\\]+$/, { error: 'must be a git branch name' })
      .superRefine((value, ctx) => {
        const problem = branchProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({
        description: "The tracked branch: merges to it deploy. Default: the repository's default branch.",
      }),
    namespace: dnsLabel('namespace')
      .optional()
      .meta({ description: 'Default namespace for namespaced resources that set none.' }),
    cluster: clusterSchema.optional(),
    kubernetesVersion: kubernetesVersionSchema.optional().meta({
      description:
        "This target's cluster's Kubernetes version (schemas, API deprecations, Helm's `--kube-version`). Default: the top-level `kubernetesVersion`.",
    }),
    helm: helmSchema.optional(),
    schemas: z.array(repoPath).default([]).meta({
      description: 'Extra CRD or JSON Schema files or folders to validate custom resources against.',
    }),
    prune: z
      .boolean()
      .default(true)
      .meta({ description: 'Delete resources that were deployed before and are no longer rendered.' }),
    maxPruneShare: z
      .number()
      .min(0, { error: 'must be between 0 and 1' })
      .max(1, { error: 'must be between 0 and 1' })
      .default(0.5)
      .meta({ description: 'Refuse a prune that deletes more than this share (0–1) of the inventory.' }),
    autoRollback: z
      .boolean()
      .default(false)
      .meta({ description: 'Re-apply the last healthy revision when health fails after a deploy.' }),
    selfHeal: z.boolean().default(true).meta({ description: 'Correct drift from Git on every resync.' }),
    healthTimeoutSeconds: z
      .number()
      .int({ error: 'must be a whole number of seconds' })
      .min(1, { error: 'must be between 1 and 3600' })
      .max(3600, { error: 'must be between 1 and 3600' })
      .default(300)
      .meta({ description: 'Seconds to wait for resources to become healthy after a deploy.' }),
    renderTimeoutSeconds: z
      .number()
      .int({ error: 'must be a whole number of seconds' })
      .min(1, { error: 'must be between 1 and 3600' })
      .max(3600, { error: 'must be between 1 and 3600' })
      .default(60)
      .meta({
        description:
          'Seconds `kubectl kustomize` or `helm template` may take to render this target before the render fails.',
      }),
    maxRenderMiB: z
      .number()
      .int({ error: 'must be a whole number of MiB' })
      .min(1, { error: 'must be between 1 and 64' })
      .max(64, { error: 'must be between 1 and 64' })
      .default(32)
      .meta({
        description:
          'MiB of rendered manifests this target may produce (a plain target: the size of its files; kustomize and helm: their output) before the render fails.',
      }),
    preview: z.enum(['render', 'live']).default('render').meta({
      description:
        "`render`: the PR preview renders Git against Git. `live`: also ask the target's agent for a server-side dry-run, drift and GPU capacity check of each PR head (needs a `cluster`; read from the base branch, so a PR cannot switch it on for itself).",
    }),
    livePreviewForks: z.boolean().default(false).meta({
      description:
        'With `preview: live`, also run the live check for PRs from forks (off by default: a fork PR would make the cluster dry-run code from outside the repository).',
    }),
  })
  .meta({
    description: 'One deploy target: a directory rendered and deployed to one cluster and namespace.',
  });

export const ferryConfigSchema = z
  .strictObject({
    kubernetesVersion: kubernetesVersionSchema.default(DEFAULT_KUBERNETES_VERSION).meta({
      description:
        "The Kubernetes version schemas, API deprecations and Helm's `--kube-version` use; a target's own `kubernetesVersion` wins.",
    }),
    rules: rulesSchema.default({}),
    // Unique names are checked in parse-config.ts: zod skips refinements while items have errors, and
    // JSON Schema cannot say "unique by name".
    targets: z
      .array(targetSchema)
      .min(1, { error: 'must list at least one target (or leave targets out for the implicit one)' })
      .optional()
      .meta({ description: 'Deploy targets. Default: one target named `default` for the whole repository.' }),
  })
  .meta({
    title: 'Ferry repository configuration (.github/ferry.yml)',
    description: 'GitOps for AI systems on Kubernetes: targets, clusters and validation rules.',
  });

export type FerryConfigInput = z.input<typeof ferryConfigSchema>;
export type FerryConfigOutput = z.output<typeof ferryConfigSchema>;

/**
 * Known keys below a path pattern (`targets.*.helm`), for "did you mean" hints. A cluster's keys depend on
 * its provider: `targets.*.cluster.eks`.
 */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(ferryConfigSchema.shape),
  rules: RULE_IDS,
  'targets.*': Object.keys(targetSchema.shape),
  'targets.*.cluster': ['provider'],
  'targets.*.cluster.eks': Object.keys(eksClusterSchema.shape),
  'targets.*.cluster.kubeconfig': Object.keys(kubeconfigClusterSchema.shape),
  'targets.*.helm': Object.keys(helmSchema.shape),
};
