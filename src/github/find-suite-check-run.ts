import type { FlowContext } from './flow-context.ts';

/**
 * The newest of this App's `Ferry` check runs in a check suite (a suite holds one App's runs for one
 * commit): its `external_id` names the pull request, which GitHub leaves out of a fork's suite.
 */
export async function findSuiteCheckRun(
  flow: FlowContext,
  checkSuiteId: number,
): Promise<{ id: number; externalId: string | null } | undefined> {
  const { data } = await flow.octokit.rest.checks.listForSuite({
    ...flow.repo,
    check_suite_id: checkSuiteId,
    check_name: flow.deps.checkName,
    filter: 'all',
    per_page: 100,
  });
  const newest = [...data.check_runs].sort((a, b) => b.id - a.id)[0];
  return newest ? { id: newest.id, externalId: newest.external_id } : undefined;
}
