/**
 * Ferry's GitHub App: Probot handlers for the events in app.yml. Each handler builds a FlowContext
 * and calls one flow; flows are idempotent, so a redelivered event (same `X-GitHub-Delivery`, or a
 * Lambda retry) converges on the same comments, check runs and deployments.
 *
 * `ferry serve` and the Lambda worker both load `ferryApp` (`probot.load(ferryApp)`).
 */
import type { ApplicationFunction, Context } from 'probot';
import { parseLiveMarker, targetOfLiveCheckRun } from '../live/live-marker.ts';
import { defaultFerryDeps, type FerryDeps } from './ferry-deps.ts';
import type { FlowContext } from './flow-context.ts';
import { getPull, pullInfoOf } from './get-pull.ts';
import { runCommentCommand } from './run-comment-command.ts';
import { runDeploy } from './run-deploy.ts';
import { runDeploymentUpdate } from './run-deployment-update.ts';
import { parseRunKey } from './run-key.ts';
import { runLiveUpdate } from './run-live-update.ts';
import { runPreview } from './run-preview.ts';
import { webUrlOf } from './web-url-of.ts';

type EventName = 'pull_request' | 'check_run' | 'issue_comment' | 'push' | 'deployment_status';

function flowOf(context: Context<EventName>, deps: FerryDeps): FlowContext {
  const repo = context.repo();
  const repository = `${repo.owner}/${repo.repo}`;
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
    app.on(
      [
        'pull_request.opened',
        'pull_request.synchronize',
        'pull_request.reopened',
        'pull_request.ready_for_review',
      ],
      async (context) => {
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
      },
    );

    app.on('check_run.rerequested', async (context) => {
      const run = context.payload.check_run;
      if (run.name !== deps.checkName) return;
      const flow = flowOf(context, deps);
      // Fork PRs are missing from `pull_requests` (GitHub lists only same-repo heads): the key has it.
      const number = parseRunKey(run.external_id)?.pull ?? run.pull_requests[0]?.number;
      if (number === undefined) {
        flow.log.warn({ checkRun: run.id }, 'rerequested check run names no pull request');
        return;
      }
      const pull = await getPull(flow, number);
      if (pull.headSha !== run.head_sha) {
        flow.log.info(
          { pull: number, head: pull.headSha, requested: run.head_sha },
          'rerun of a superseded commit',
        );
        return;
      }
      const outcome = await runPreview(flow, {
        pull,
        trigger: `rerun-${run.id}`,
        defaultBranch: context.payload.repository.default_branch,
      });
      flow.log.info({ pull: number, head: pull.headSha, outcome }, 'check run rerun');
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

    app.on(['issue_comment.created', 'issue_comment.edited'], async (context) => {
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

/** The app with production wiring: what `ferry serve` and the Lambda worker load. */
export const ferryApp: ApplicationFunction = createFerryApp();
