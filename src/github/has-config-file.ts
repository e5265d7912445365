import type { FlowContext } from './flow-context.ts';

export const CONFIG_PATH = '.github/ferry.yml';

/**
 * Whether a revision has `.github/ferry.yml`: one small request that spares an unconfigured
 * repository (the App may be installed on a whole organisation) any tarball download or check run.
 */
export async function hasConfigFile(flow: FlowContext, ref: string): Promise<boolean> {
  try {
    await flow.octokit.rest.repos.getContent({ ...flow.repo, path: CONFIG_PATH, ref });
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return false;
    throw err;
  }
}
