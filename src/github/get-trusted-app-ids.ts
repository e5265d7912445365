import type { FlowContext } from './flow-context.ts';
import { getOwnAppId } from './get-own-app-id.ts';

/**
 * The apps whose `ferry/live:` check runs the App believes: itself (the agent may report with the
 * App's own credentials) and FERRY_AGENT_APP_IDS. The App's id comes from its own authentication
 * (the JWT it signs for installation tokens), so no configuration can disagree with it.
 */
export async function getTrustedAppIds(flow: FlowContext): Promise<number[]> {
  const ids = [...flow.deps.agentAppIds];
  // A token-authenticated client (no App key) has no App id: only the configured ids are trusted.
  const own = await getOwnAppId(flow);
  if (own !== undefined) ids.push(own);
  return [...new Set(ids)];
}
