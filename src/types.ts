/**
 * Ferry's domain nouns, shared by every unit. Pure types: no runtime code here
 * except the severity order, which is data.
 *
 * The same words are used in code, docs, config and messages:
 * Target, Resource, ResourceId, Finding, Severity, Change, ChangeSet, Summary, Sync.
 */

/** Ordered: a check's conclusion is its worst finding. */
export type Severity = 'info' | 'warning' | 'error';
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/**
 * A resource's identity, as the API server sees it. `group` is '' for the core
 * group; `namespace` is '' for cluster-scoped kinds (or when none is set and the
 * target has no default namespace).
 */
export interface ResourceId {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** A Kubernetes object as parsed from YAML/JSON: plain data. */
export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string };

/**
 * Lines of a resource's fields by JSON pointer (`/spec/template/spec/containers/0/image` → 18), computed
 * on the first lookup (src/manifest/source-lines.ts): most documents never have a finding.
 */
export interface FieldLines {
  lineOf(pointer: string): number | undefined;
  /** Every known pointer → line (computes them all): for mapping rendered output to its sources. */
  all(): Readonly<Record<string, number>>;
  /**
   * The repo-relative file of `pointer`'s line when it is not the resource's own `file` (a kustomize
   * patch that set the field), like `pointerFiles`, for lines mapped lazily.
   */
  fileOf?(pointer: string): string | undefined;
  /** The same lines, keeping no view of the file's text, for what outlives the file (standInFor). */
  detached?(): FieldLines;
  /**
   * The line of a `/metadata/…` pointer when the document's head alone gives it cheaply (its top-level
   * keys up to the end of `metadata`), without computing the whole map; undefined otherwise.
   */
  peekMetadata?(pointer: string): number | undefined;
}

/** One rendered object with where it came from (the best source file/line available). */
export interface Resource {
  id: ResourceId;
  apiVersion: string;
  object: KubeObject;
  /** Path relative to the repository root, POSIX separators. */
  file: string;
  /** 1-based line of the document's first line in `file`. */
  line: number;
  /**
   * JSON pointer (`/spec/template/spec/containers/0/image`) → 1-based line in `file`, where the
   * source is known (plain YAML, helm templates). Use `lineOf(resource, path)` to read it.
   */
  pointers?: Readonly<Record<string, number>>;
  /**
   * JSON pointer → repo-relative file, for the pointers whose line is in another file than `file`:
   * a kustomize patch that set the field, a Helm values file. Read with `locationOf(resource, path)`.
   */
  pointerFiles?: Readonly<Record<string, string>>;
  /** The same, looked up lazily (what parseManifests gives); `pointers` wins when both are set. */
  lines?: FieldLines;
  /**
   * Parsed from a source file of a kustomize build that failed, not rendered: its name, namespace and
   * labels may all differ from what the build gives (namePrefix, namespace, labels). Checked on its
   * own, never against other resources (duplicate-resource, selector-match), with no "required field
   * missing" (the build may add it), never applied.
   */
  unrendered?: true;
  /**
   * JSON pointers of the fields a Helm chart generates anew on every render (randAlphaNum, genCA…):
   * two renders of the same revision differ there (src/render/mark-generated-fields.ts). The diff
   * leaves a field out when both sides generate it; plaintext-secret does not count such a value as
   * committed.
   */
  generated?: readonly string[];
  /**
   * The kustomization or chart given as one of several PATHs (`ferry validate overlays/staging
   * overlays/prod`) that rendered this resource: each is a deployable of its own, so duplicate-resource
   * compares it only with the same unit's objects and with plain files.
   */
  unit?: string;
}

/**
 * A problem found in a repository: bad YAML, a schema violation, a broken rule,
 * a render failure. Expected outcomes are values, not exceptions.
 */
export interface Finding {
  /** Rule id, e.g. `schema`, `gpu-limits`, `render`, `parse`, `config`. */
  rule: string;
  severity: Severity;
  /** Formatted identity, e.g. `Deployment ml/api`; absent for file-level problems. */
  resource?: string;
  file: string;
  line: number;
  /** One line in Ferry's words: what is wrong and what to do. */
  message: string;
  /**
   * The tool's own message in full (kustomize's or helm's stderr, cleaned of absolute paths), shown
   * below the message; never cut, so nothing the tool said is lost.
   */
  detail?: string;
}

/** Where a target is deployed. Absent on a target: Ferry previews but does not deploy it. */
export type ClusterRef =
  | { provider: 'eks'; name: string; region?: string }
  | { provider: 'kubeconfig'; context?: string };

/** One deploy target from `.github/ferry.yml`, with defaults applied. */
export interface Target {
  name: string;
  /** Directory relative to the repository root, POSIX, no leading `./`; '' or '.' is the root. */
  path: string;
  /** The tracked branch: merges to it deploy. */
  branch: string;
  /** Default namespace for namespaced resources that set none. */
  namespace?: string;
  cluster?: ClusterRef;
  /** This target's Kubernetes version, when it sets one; absent: the config's top-level version. */
  kubernetesVersion?: string;
  /** `apiVersions`: extra `.Capabilities.APIVersions` for `helm template --api-versions`. */
  helm?: { releaseName?: string; values: string[]; apiVersions?: string[] };
  /** Extra CRD/JSON-schema files or folders (repo-relative) to validate custom resources against. */
  schemas: string[];
  /** Delete what the inventory has and the render no longer has. */
  prune: boolean;
  /** Refuse a prune that removes more than this share (0..1) of the inventory, unless overridden. */
  maxPruneShare: number;
  /** Re-apply the last healthy revision when health fails after an apply. */
  autoRollback: boolean;
  /** Correct drift from Git on the agent's resync interval. */
  selfHeal: boolean;
  /** Deadline for health after an apply. */
  healthTimeoutSeconds: number;
  /** Deadline for kubectl kustomize / helm template on this target; absent: 60 (the config's default). */
  renderTimeoutSeconds?: number;
  /** Cap on this target's rendered manifests (plain: its files' bytes), in MiB; absent: 32. */
  maxRenderMiB?: number;
  /**
   * `live`: PR previews also ask the target's agent for a live check (server-side dry-run, drift, GPU
   * capacity). Absent: `render` (Git against Git only).
   */
  preview?: 'render' | 'live';
  /** With `preview: live`, PRs from forks get the live check too. Absent: false. */
  livePreviewForks?: boolean;
  /**
   * Where `.github/ferry.yml` declares the target: the file, the line of its `path` and of its `helm`
   * block, for findings about them (a path that renders nothing). Absent for the default target.
   */
  declared?: {
    file: string;
    /** The line of its `path`. */
    line: number;
    /** The line of its `name` (a Helm target's release name unless `helm.releaseName` sets one). */
    nameLine?: number;
    helmLine?: number;
    /** The line of each `helm.values` entry, in order: a values file that is not there is reported on it. */
    valuesLines?: number[];
    /** The line of each `schemas` entry, in order: a problem reading one is reported on it. */
    schemasLines?: number[];
  };
}

/** The whole repository configuration, with defaults applied. */
export interface FerryConfig {
  /** Kubernetes version the schemas and deprecation rules check against, e.g. "1.34". */
  kubernetesVersion: string;
  targets: Target[];
  /** Per-rule overrides: `off` disables, a severity replaces the rule's default. */
  rules: Record<string, Severity | 'off'>;
}

/** What happens to one resource when the PR merges. */
export type Action = 'added' | 'removed' | 'changed' | 'unchanged';

export interface Change {
  id: ResourceId;
  apiVersion: string;
  action: Action;
  /** Unified diff of normalised YAML (Secrets redacted); '' when unchanged. */
  diff: string;
  file?: string;
  line?: number;
  /**
   * A removed resource that merging leaves in the cluster, and why: its base object opts out of
   * pruning (keptOnPrune: `helm.sh/resource-policy: keep`, `ferry.dev/prune: disabled`, …).
   */
  kept?: string;
}

/** One AI-aware summary line for a workload, computed from objects. */
export interface Summary {
  /** e.g. `InferenceService ml/classifier` */
  resource: string;
  /** Short facts, e.g. ["model v1 → v2", "canary 10%", "GPUs 1 → 2"]. */
  facts: string[];
}

/** Base vs head for one target. */
export interface ChangeSet {
  target: string;
  changes: Change[];
  summary: Summary[];
  findings: Finding[];
  /** True when the head failed to render: nothing should be applied or pruned from it. */
  renderFailed: boolean;
  /**
   * The base did not render and the head did: there is no diff to show (`changes` is empty), but the
   * head is what a merge deploys, so this is neither a failure nor "no changes" (a PR that fixes a
   * broken target, or adds a target and its values file together).
   */
  baseFailed?: boolean;
  /**
   * Only the base's config has this target: the change removes it from `.github/ferry.yml`. Its
   * resources are `removed` and `kept` (Ferry stops deploying the target and prunes nothing of it).
   */
  targetRemoved?: boolean;
}
