import type { FlowContext } from './flow-context.ts';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

const WRITERS = new Set<Permission>(['admin', 'maintain', 'write']);

/**
 * A user's role on the repository. `role_name` distinguishes maintain/triage, which `permission`
 * folds into write/read; a user who is not a collaborator at all answers 404 → 'none'.
 */
export async function getPermission(flow: FlowContext, username: string): Promise<Permission> {
  try {
    const { data } = await flow.octokit.rest.repos.getCollaboratorPermissionLevel({ ...flow.repo, username });
    const role = (data.role_name || data.permission) as Permission;
    return role;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return 'none';
    throw err;
  }
}

export function isWriter(permission: Permission): boolean {
  return WRITERS.has(permission);
}
