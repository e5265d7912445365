import type { LiveRequestState } from '../report/render-live-section.ts';
import { describeError } from './describe-error.ts';
import type { FlowContext } from './flow-context.ts';
import type { PullInfo } from './get-pull.ts';
import type { LiveRequestPlan } from './plan-live-requests.ts';

/**
 * Carries out the live-check plan: one Preview request per target through the target's Signal (the
 * same path as a Sync). The request is idempotent per head SHA, so a redelivery asks nothing new. A
 * request that fails is not a failed preview: the Live section says the cluster could not be reached.
 */
export async function requestLivePreviews(
  flow: FlowContext,
  opts: { pull: PullInfo; plans: readonly LiveRequestPlan[] },
): Promise<LiveRequestState[]> {
  const requestedAt = flow.deps.now().toISOString();
  return Promise.all(
    opts.plans.map(async (plan): Promise<LiveRequestState> => {
      const target = plan.target.name;
      if (plan.action === 'forks-off') return { target, state: 'forks-off' };
      const signal = flow.deps.signalFor(plan.target);
      if (!signal) {
        return {
          target,
          state: 'unreachable',
          reason: 'this App has no access to the target’s cluster provider',
        };
      }
      try {
        const sent = await signal.requestPreview({
          target: plan.target,
          repository: flow.repository,
          revision: opts.pull.headSha,
          pull: opts.pull.number,
          requestedAt,
          reason: `preview of #${opts.pull.number}`,
        });
        flow.log.info({ target, preview: sent.preview, changed: sent.changed }, 'live preview requested');
        return { target, state: 'requested' };
      } catch (err) {
        flow.log.warn({ err, target }, 'live preview request failed');
        return { target, state: 'unreachable', reason: describeError(err) };
      }
    }),
  );
}
