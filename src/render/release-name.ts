/**
 * Helm's rule for a release name (helm's `ValidateReleaseName`): a DNS-1123 subdomain of at most 53
 * characters, so that the names a chart derives from it (`<release>-<component>`) fit Kubernetes' 63.
 */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_RELEASE_NAME = 53;

export function isValidReleaseName(name: string): boolean {
  return name.length <= MAX_RELEASE_NAME && RELEASE_NAME.test(name);
}

/**
 * The release name for a chart named by its folder (`ferry validate PATH`, where no target names it):
 * the folder's name as helm takes it — lower case, each run of other characters one `-`, at most 53
 * characters — or helm's own default for `helm template` without a name when nothing is left.
 * `otwld+ollama-helm` → `otwld-ollama-helm`, `My_Chart` → `my-chart`.
 */
export function releaseNameForFolder(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_RELEASE_NAME)
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'release-name' : name;
}

/** The start of the render finding for a release name helm would refuse (render-target moves it to the target). */
export const RELEASE_NAME_PROBLEM = 'Helm refuses the release name';

/**
 * Why helm would refuse `name`, as a finding's message, or undefined when it takes it. Only a target's
 * name can get here (helm.releaseName is checked with the config, a folder's name is made valid):
 * target names are DNS labels of up to 63 characters, helm's release names stop at 53.
 */
export function releaseNameProblem(name: string): string | undefined {
  if (isValidReleaseName(name)) return undefined;
  const why =
    name.length > MAX_RELEASE_NAME
      ? `${name.length} characters, and Helm takes at most ${MAX_RELEASE_NAME}`
      : 'not a lower-case DNS name';
  return `${RELEASE_NAME_PROBLEM} "${name}" (${why}): a target's release name is its name unless helm.releaseName sets one; set helm.releaseName for this target in .github/ferry.yml, or shorten its name`;
}
