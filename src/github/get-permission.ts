import type { FlowContext } from './flow-context.ts';

export interface Permission {
  /**
   * The base access GitHub reports in `permission`: `admin`, `write`, `read` or `none` (maintain is
   * folded into write, triage into read, and a custom role into the base role it inherits).
   */
  base: string;
  /** The role to name in a reply: `role_name` (maintain, triage, or a custom role's own name). */
  role: string;
}

/**
 * A user's access to the repository (`GET /repos/{o}/{r}/collaborators/{user}/permission`). A user
 * who is not a collaborator at all answers 404: no access.
 */
export async function getPermission(flow: FlowContext, username: string): Promise<Permission> {
  try {
    const { data } = await flow.octokit.rest.repos.getCollaboratorPermissionLevel({ ...flow.repo, username });
    return { base: data.permission, role: data.role_name || data.permission };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return { base: 'none', role: 'none' };
    throw err;
  }
}

/**
 * Write access or more, judged on the base role: a custom role's `role_name` is its own name
 * (`deployer`), which says nothing of the access it inherits; `permission` does.
 */
export function isWriter(permission: Permission): boolean {
  return permission.base === 'admin' || permission.base === 'write';
}
