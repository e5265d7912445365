import type { Target } from '../types.ts';
import type { FlowContext } from './flow-context.ts';
import { getSourceTree } from './get-source-tree.ts';

/** The targets `.github/ferry.yml` declares at a revision. */
export async function loadTargets(
  flow: FlowContext,
  opts: { ref: string; defaultBranch: string },
): Promise<Target[]> {
  const tree = await getSourceTree(flow, opts.ref);
  try {
    const { config } = await flow.deps.loadConfig(tree.root, { defaultBranch: opts.defaultBranch });
    return config.targets;
  } finally {
    await tree.dispose();
  }
}
