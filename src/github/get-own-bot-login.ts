import type { FlowContext } from './flow-context.ts';
import { getOwnAppId } from './get-own-app-id.ts';

/** Bot logins by App id: an App's slug never changes, so one `GET /app` per process is enough. */
const botLogins = new Map<number, Promise<string>>();

/**
 * The login GitHub gives what this App writes (`<slug>[bot]`): pull requests carry no App, only
 * their author. `GET /app` is answered with the App's JWT, which Octokit's App auth sends for it.
 */
export async function getOwnBotLogin(flow: FlowContext): Promise<string | undefined> {
  const appId = await getOwnAppId(flow);
  if (appId === undefined) return undefined;
  let login = botLogins.get(appId);
  if (!login) {
    login = flow.octokit.rest.apps.getAuthenticated().then(({ data }) => `${data?.slug}[bot]`);
    botLogins.set(appId, login);
    login.catch(() => botLogins.delete(appId));
  }
  return login;
}
