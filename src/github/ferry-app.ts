/**
 * Ferry's GitHub App: Probot handlers for the events in app.yml, exactly those of HANDLED_EVENTS. Each handler builds a FlowContext
 * and calls one flow; flows are idempotent, so a redelivered event (same `X-GitHub-Delivery`, or a
 * Lambda retry) converges on the same comments, check runs and deployments.
 *
 * `ferry serve` and the Lambda worker both load `ferryApp` (`probot.load(ferryApp)`).
 */
import type { ApplicationFunction, Context } from 'probot';
import { parseLiveMarker, targetOfLiveCheckRun } from '../live/live-marker.ts';
import { defaultFerryDeps, type FerryDeps } from './ferry-deps.ts';
import { findSuiteCheckRun } from './find-suite-check-run.ts';
import type { FlowContext } from './flow-context.ts';
import { getPull, pullInfoOf } from './get-pull.ts';
import { COMMAND_EVENTS, PREVIEW_EVENTS } from './handled-events.ts';
import { isolateTokenErrors } from './isolate-token-errors.ts';
import { runCommentCommand } from './run-comment-command.ts';
import { runDeploy } from './run-deploy.ts';
import { runDeploymentUpdate } from './run-deployment-update.ts';
import { parseRunKey } from './run-key.ts';
import { runLiveUpdate } from './run-live-update.ts';
import { type PreviewOutcome, runPreview } from './run-preview.ts';
import { webUrlOf } from './web-url-of.ts';

type EventName =
  | 'pull_request'
  | 'check_run'
  | 'check_suite'
  | 'issue_comment'
  | 'push'
  | 'deployment_status';

function flowOf(context: Context<EventName>, deps: FerryDeps): FlowContext {
  const repo = context.repo();
  const repository = `${repo.owner}/${repo.repo}`;
  isolateTokenErrors(context.octokit);
  return {
    octokit: context.octokit,
    // Identify the delivery and repository on every line; never the payload itself.
    log: context.log.child({ delivery: context.id, event: context.name, repository }),
    repo,
    repository,
    // Links follow the API the client talks to (GHE_HOST on `ferry serve` and the worker).
    webUrl: webUrlOf(context.octokit.request.endpoint.DEFAULTS.baseUrl),
    deliveryId: context.id,
    deps,
  };
}

export function createFerryApp(overrides: Partial<FerryDeps> = {}): ApplicationFunction {
  const deps: FerryDeps = { ...defaultFerryDeps(), ...overrides };

  return (app) => {
    app.on([...PREVIEW_EVENTS], async (context) => {
      // An edit matters only when it moves the base branch: the diff is then against another
      // branch, and the check run and comment of the old base would stand otherwise. A title or
      // body edit changes nothing Ferry shows.
      if (context.payload.action === 'edited' && !context.payload.changes.base) return;
      const flow = flowOf(context, deps);
      const pull = pullInfoOf(context.payload.pull_request);
      // Drafts are previewed once ready for review (or on request with /preview).
      if (pull.draft || pull.state !== 'open') {
        flow.log.info({ pull: pull.number }, 'draft or closed pull request: no preview');
        return;
      }
      const outcome = await runPreview(flow, {
        pull,
        trigger: 'event',
        defaultBranch: context.payload.repository.default_branch,
      });
      flow.log.info({ pull: pull.number, head: pull.headSha, outcome }, 'pull request preview');
    });

    app.on('check_run.rerequested', async (context) => {
      const run = context.payload.check_run;
      if (run.name !== deps.checkName) return;
      const flow = flowOf(context, deps);
      // Fork PRs are missing from `pull_requests` (GitHub lists only same-repo heads): the key has it.
      const number = parseRunKey(run.external_id)?.pull ?? run.pull_requests[0]?.number;
      const outcome = await rerunPreview(flow, {
        number,
        headSha: run.head_sha,
        trigger: `rerun-${run.id}`,
        defaultBranch: context.payload.repository.default_branch,
      });
      flow.log.info({ pull: number, checkRun: run.id, outcome }, 'check run rerun');
    });

    // "Re-run all checks" and "Re-run failed checks" rerequest the App's whole suite, not a run: GitHub
    // sends this to the suite's App only. The suite's newest Ferry run says which PR it was for.
    app.on('check_suite.rerequested', async (context) => {
      const suite = context.payload.check_suite;
      const flow = flowOf(context, deps);
      const run = await findSuiteCheckRun(flow, suite.id);
      const number = parseRunKey(run?.externalId)?.pull ?? suite.pull_requests[0]?.number;
      const outcome = await rerunPreview(flow, {
        number,
        headSha: suite.head_sha,
        trigger: run ? `rerun-${run.id}` : `suite-${suite.id}`,
        defaultBranch: context.payload.repository.default_branch,
      });
      flow.log.info({ pull: number, checkSuite: suite.id, outcome }, 'check suite rerun');
    });

    // Every check run of the repository completes here (Apps with checks permission are subscribed to
    // all of them, other Apps' included): only `ferry/live:` ones from trusted Apps are read.
    app.on('check_run.completed', async (context) => {
      const run = context.payload.check_run;
      if (targetOfLiveCheckRun(run.name) === undefined) return;
      const flow = flowOf(context, deps);
      const outcome = await runLiveUpdate(flow, {
        name: run.name,
        headSha: run.head_sha,
        appId: run.app?.id,
        // GitHub lists no PR for a fork's head; the agent's result names its PR.
        pulls: [
          ...new Set([
            ...run.pull_requests.map((p) => p.number),
            ...[parseLiveMarker(run.output.summary ?? '')?.pull].filter((n) => n !== undefined),
          ]),
        ],
      });
      flow.log.info({ checkRun: run.id, head: run.head_sha, outcome }, 'live check run completed');
    });

    app.on([...COMMAND_EVENTS], async (context) => {
      const { comment, issue, sender, repository } = context.payload;
      const flow = flowOf(context, deps);
      const outcome = await runCommentCommand(flow, {
        action: context.payload.action,
        commentId: comment.id,
        body: comment.body,
        sender: { login: sender.login, type: sender.type },
        issueNumber: issue.number,
        onPull: issue.pull_request !== undefined && issue.pull_request !== null,
        defaultBranch: repository.default_branch,
      });
      if (outcome !== 'ignored') flow.log.info({ pull: issue.number, outcome }, 'comment command');
    });

    app.on('push', async (context) => {
      const { payload } = context;
      const flow = flowOf(context, deps);
      const outcome = await runDeploy(flow, {
        ref: payload.ref,
        before: payload.before,
        after: payload.after,
        forced: payload.forced,
        defaultBranch: payload.repository.default_branch ?? 'main',
      });
      flow.log.info({ ref: payload.ref, sha: payload.after, outcome }, 'push');
    });

    app.on('deployment_status.created', async (context) => {
      const { deployment, deployment_status: status, repository } = context.payload;
      const flow = flowOf(context, deps);
      const outcome = await runDeploymentUpdate(flow, {
        deployment: {
          id: deployment.id,
          sha: deployment.sha,
          environment: deployment.environment,
          created_at: deployment.created_at,
          payload: deployment.payload,
        },
        status: {
          id: status.id,
          state: status.state,
          description: status.description,
          created_at: status.created_at,
          ...(status.log_url ? { log_url: status.log_url } : {}),
          ...(status.environment_url ? { environment_url: status.environment_url } : {}),
          ...(status.target_url ? { target_url: status.target_url } : {}),
        },
        defaultBranch: repository.default_branch,
      });
      if (outcome !== 'ignored')
        flow.log.info({ deployment: deployment.id, state: status.state }, 'deployment status');
    });
  };
}

/**
 * A re-run asked from GitHub's checks UI: the preview of `number` again, unless the PR is closed or
 * merged, or its head moved on (the newer head's own run stands).
 */
async function rerunPreview(
  flow: FlowContext,
  opts: { number: number | undefined; headSha: string; trigger: string; defaultBranch: string },
): Promise<PreviewOutcome | 'no-pull' | 'closed' | 'superseded'> {
  if (opts.number === undefined) {
    flow.log.warn({ head: opts.headSha }, 'rerequested check names no pull request');
    return 'no-pull';
  }
  const pull = await getPull(flow, opts.number);
  if (pull.state !== 'open') {
    // A merged PR's comment holds what its merge deployed; a preview would replace it.
    flow.log.info({ pull: opts.number, state: pull.state }, 'rerun on a closed pull request: no preview');
    return 'closed';
  }
  if (pull.headSha !== opts.headSha) {
    flow.log.info(
      { pull: opts.number, head: pull.headSha, requested: opts.headSha },
      'rerun of a superseded commit',
    );
    return 'superseded';
  }
  return runPreview(flow, { pull, trigger: opts.trigger, defaultBranch: opts.defaultBranch });
}

/** The app with production wiring: what `ferry serve` and the Lambda worker load. */
export const ferryApp: ApplicationFunction = createFerryApp();
