import type { FlowContext } from './flow-context.ts';

/** Creates the check run in progress, so the PR shows Ferry at work while it renders. */
export async function startCheckRun(
  flow: FlowContext,
  opts: { headSha: string; externalId: string },
): Promise<number> {
  const { data } = await flow.octokit.rest.checks.create({
    ...flow.repo,
    name: flow.deps.checkName,
    head_sha: opts.headSha,
    external_id: opts.externalId,
    status: 'in_progress',
    started_at: flow.deps.now().toISOString(),
    output: {
      title: 'Rendering…',
      summary: 'Ferry is rendering, validating and diffing the targets this change affects.',
    },
  });
  return data.id;
}
