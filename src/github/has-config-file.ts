import { CONFIG_FILES } from '../config/load-config.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * Whether a revision has Ferry's config: one small request (the `.github` directory listing) that
 * spares an unconfigured repository (the App may be installed on a whole organisation) any tarball
 * download, check run or comment.
 */
export async function hasConfigFile(flow: FlowContext, ref: string): Promise<boolean> {
  try {
    const { data } = await flow.octokit.rest.repos.getContent({ ...flow.repo, path: '.github', ref });
    const names = new Set((Array.isArray(data) ? data : [data]).map((entry) => entry.path));
    return CONFIG_FILES.some((file) => names.has(file));
  } catch (err) {
    if ((err as { status?: number }).status === 404) return false;
    throw err;
  }
}
