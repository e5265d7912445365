import type { FlowContext } from './flow-context.ts';

/**
 * The apps whose `ferry/live:` check runs the App believes: itself (the agent may report with the
 * App's own credentials) and FERRY_AGENT_APP_IDS. The App's id comes from its own authentication
 * (the JWT it signs for installation tokens), so no configuration can disagree with it.
 */
export async function getTrustedAppIds(flow: FlowContext): Promise<number[]> {
  const ids = [...flow.deps.agentAppIds];
  try {
    const auth = (await flow.octokit.auth({ type: 'app' })) as { appId?: unknown };
    const own = Number(auth.appId);
    if (Number.isSafeInteger(own) && own > 0) ids.push(own);
  } catch (err) {
    // A token-authenticated client (no App key) has no App id: only the configured ids are trusted.
    flow.log.debug({ err }, 'no App id from the client authentication');
  }
  return [...new Set(ids)];
}
