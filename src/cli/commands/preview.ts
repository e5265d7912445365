/**
 * `ferry preview TARGET --revision SHA [--pull N]`: asks TARGET's agent the live question a PR's
 * preview asks (server-side dry-run, drift, GPU capacity) from a terminal, through the same Preview
 * request as the App, and waits a bounded time for the answer in the Preview's status.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../../agent/parse-duration.ts';
import { loadConfig } from '../../config/load-config.ts';
import { parseLiveResult } from '../../live/live-result.ts';
import { formatLiveText, type LiveAnswer } from '../../report/format-live-text.ts';
import { KubeObjectClient } from '../../signal/kube-object-client.ts';
import { loadKubeConfig } from '../../signal/kubeconfig-signal.ts';
import {
  PREVIEW_API_VERSION,
  PREVIEW_KIND,
  PREVIEW_NAMESPACE,
  type PreviewStatus,
} from '../../signal/preview-object.ts';
import { upsertPreview } from '../../signal/upsert-preview.ts';
import type { Target } from '../../types.ts';
import { parseArgs } from '../parse-args.ts';
import { parseNamespace } from '../parse-namespace.ts';
import { readRequestFlags } from '../read-request-flags.ts';
import { requireValidConfig } from '../require-valid-config.ts';
import { resolveWorkTree } from '../resolve-repo.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: ferry preview TARGET --revision SHA [--pull N] [--repo OWNER/REPO] [--root DIR]
                     [--kubeconfig PATH] [--context NAME] [--namespace NS] [--timeout 120s] [--json]

Asks TARGET's agent for a live check of SHA (a full commit SHA, in either case): a server-side
dry-run of every object, the drift of the live objects from the applied revision, and the GPU capacity
the rollout needs. Nothing in the cluster changes. With --pull, the agent checks that SHA is that PR's head; without it, SHA must be on a branch
of the repository. The cluster is the target's kubeconfig context from .github/ferry.yml under --root
(default: the working directory's git root) (--kubeconfig/--context override it; for an EKS target, the current context, e.g. from
'aws eks update-kubeconfig'). --repo defaults to GITHUB_REPOSITORY, then the 'origin' remote.
Exit 0 when the cluster accepts the change, 1 when the answer is a failure, 2 when there is no answer.`;

/** The longest one request to the API server may take (the client's default). */
const REQUEST_TIMEOUT_MS = 30_000;

const ANSWERED = new Set(['Done', 'Failed', 'Refused', 'RateLimited']);

export interface PreviewCommandOverrides {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  write?: (line: string) => void;
  now?: () => Date;
  /** How often the Preview's status is read (default 1 s). */
  pollMs?: number;
}

function parse(argv: string[]) {
  return parseArgs(
    argv,
    {
      revision: { type: 'string' },
      pull: { type: 'string' },
      repo: { type: 'string' },
      root: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', default: PREVIEW_NAMESPACE },
      timeout: { type: 'string', default: '120s' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
}

async function readFlags(flags: ReturnType<typeof parse>['values'], env: NodeJS.ProcessEnv, root: string) {
  const { revision, repository } = await readRequestFlags({
    flags,
    env,
    root,
    purpose: 'the full 40-character commit SHA to check',
  });
  const pull = flags.pull === undefined ? undefined : Number(flags.pull);
  if (pull !== undefined && (!Number.isSafeInteger(pull) || pull <= 0)) {
    throw new UsageError(`option '--pull' must be a pull request number (got '${flags.pull}')`);
  }
  const timeoutMs = parseDuration(flags.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new UsageError(`option '--timeout' must be a duration such as 120s or 5m (got '${flags.timeout}')`);
  }
  return { revision, pull, timeoutMs, repository, namespace: parseNamespace(flags.namespace) };
}

async function findTarget(name: string, root: string): Promise<Target> {
  const loaded = await loadConfig(root);
  requireValidConfig(loaded);
  const target = loaded.config.targets.find((t) => t.name === name);
  if (target) return target;
  const { config } = loaded;
  const known = config.targets.map((t) => t.name).join(', ') || 'none';
  throw new UsageError(`no target '${name}' in .github/ferry.yml (targets: ${known})`);
}

function answerOf(target: string, revision: string, status: PreviewStatus): LiveAnswer {
  const result = parseLiveResult(status.result);
  return {
    target,
    revision,
    phase: status.phase ?? 'Pending',
    ...(status.conclusion ? { conclusion: status.conclusion } : {}),
    ...(status.message ? { message: status.message } : {}),
    ...(status.checkRunUrl ? { checkRunUrl: status.checkRunUrl } : {}),
    ...(result && result.revision === revision ? { result } : {}),
  };
}

export async function previewCommand(
  argv: string[],
  overrides: PreviewCommandOverrides = {},
): Promise<number> {
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
  const { revision, pull, timeoutMs, repository, namespace } = await readFlags(flags, env, root);
  const target = await findTarget(name, root);
  const context =
    flags.context ?? (target.cluster?.provider === 'kubeconfig' ? target.cluster.context : undefined);
  const client = new KubeObjectClient(
    loadKubeConfig({
      ...(flags.kubeconfig ? { file: flags.kubeconfig } : {}),
      ...(context ? { context } : {}),
    }),
    // No request (discovery included) outlives the wait the user asked for.
    { timeoutMs: Math.min(REQUEST_TIMEOUT_MS, timeoutMs) },
  );
  const now = overrides.now ?? (() => new Date());
  const sent = await upsertPreview(
    client,
    {
      target,
      repository,
      revision,
      ...(pull !== undefined ? { pull } : {}),
      requestedAt: now().toISOString(),
      reason: 'ferry preview',
    },
    { namespace },
  );
  const answer = await waitForAnswer({
    client,
    ref: {
      apiVersion: PREVIEW_API_VERSION,
      kind: PREVIEW_KIND,
      namespace,
      name: sent.preview,
    },
    target: target.name,
    revision,
    timeoutMs,
    pollMs: overrides.pollMs ?? 1000,
    hint: `the agent did not answer Preview ${sent.preview} within ${flags.timeout}; check that it runs and sees the request: kubectl -n ${namespace} get previews`,
  });
  if (flags.json) write(JSON.stringify({ preview: sent.preview, ...answer }, null, 2));
  else for (const line of formatLiveText(answer)) write(line);
  return exitCodeOf(answer);
}

/** 1 when the cluster's answer is a failure (or the agent refused the request), 2 when rate-limited. */
function exitCodeOf(answer: LiveAnswer): number {
  if (answer.phase === 'RateLimited') return 2;
  return answer.conclusion === 'failure' || answer.phase === 'Failed' || answer.phase === 'Refused' ? 1 : 0;
}

/** Reads the Preview until its status answers for `revision`, or the deadline passes (a UsageError). */
async function waitForAnswer(opts: {
  client: KubeObjectClient;
  ref: { apiVersion: string; kind: string; namespace: string; name: string };
  target: string;
  revision: string;
  timeoutMs: number;
  pollMs: number;
  hint: string;
}): Promise<LiveAnswer> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const status = ((await opts.client.get(opts.ref))?.status ?? {}) as PreviewStatus;
    // A status for an earlier revision (the object is reused per PR) is not this answer.
    if (status.revision === opts.revision && ANSWERED.has(status.phase ?? '')) {
      return answerOf(opts.target, opts.revision, status);
    }
    if (Date.now() >= deadline) throw new UsageError(opts.hint);
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())));
  }
}
