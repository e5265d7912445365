import type { FlowContext } from './flow-context.ts';

export interface CheckRunRef {
  id: number;
  completed: boolean;
}

/**
 * Finds our check run for a head SHA by its key (`external_id`). Check runs are keyed by head SHA,
 * so a run for an older commit can never touch the check run of a newer one.
 */
export async function findCheckRun(
  flow: FlowContext,
  opts: { headSha: string; externalId: string },
): Promise<CheckRunRef | undefined> {
  const { data } = await flow.octokit.rest.checks.listForRef({
    ...flow.repo,
    ref: opts.headSha,
    check_name: flow.deps.checkName,
    // 'all', not the default 'latest': an earlier run with our key must be found too.
    filter: 'all',
    per_page: 100,
  });
  const existing = data.check_runs.find((run) => run.external_id === opts.externalId);
  return existing ? { id: existing.id, completed: existing.status === 'completed' } : undefined;
}
