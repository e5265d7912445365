import type { FlowContext } from './flow-context.ts';

/**
 * This App's id, from its own authentication (the JWT it signs for installation tokens), so no
 * configuration can disagree with it; undefined for a client without an App key.
 */
export async function getOwnAppId(flow: FlowContext): Promise<number | undefined> {
  try {
    const auth = (await flow.octokit.auth({ type: 'app' })) as { appId?: unknown };
    const own = Number(auth.appId);
    return Number.isSafeInteger(own) && own > 0 ? own : undefined;
  } catch (err) {
    flow.log.debug({ err }, 'no App id from the client authentication');
    return undefined;
  }
}
