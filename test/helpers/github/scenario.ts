/** Repository states the App's tests start from: a PR #42 from feature/canary into main. */

import { SHAS } from './app-harness.ts';
import type { FakeGitHub } from './fake-github.ts';
import type { TreeFiles } from './make-tarball.ts';

export const CONFIG = `targets:
  - name: production
    path: deploy/production
    cluster: { provider: eks, name: prod }
`;

export const BASE_FILES: TreeFiles = {
  '.github/ferry.yml': CONFIG,
  'deploy/production/model.yaml': 'kind: Deployment\nimage: classifier:v1\n',
  'README.md': '# ml-platform\n',
};

export const HEAD_FILES: TreeFiles = {
  ...BASE_FILES,
  'deploy/production/model.yaml': 'kind: Deployment\nimage: classifier:v2\n',
};

/** PR #42 open with base/head trees, compare result and the PR itself. */
export function setupPull(
  gh: FakeGitHub,
  opts: { base?: TreeFiles; head?: TreeFiles; changed?: string[]; headSha?: string; fork?: boolean } = {},
): void {
  const headSha = opts.headSha ?? SHAS.head;
  gh.setTree(SHAS.base, opts.base ?? BASE_FILES);
  gh.setTree(headSha, opts.head ?? HEAD_FILES);
  gh.compares.set(`${SHAS.base}...${headSha}`, {
    files: opts.changed ?? ['deploy/production/model.yaml'],
    mergeBase: SHAS.base,
  });
  gh.addPull({
    number: 42,
    node_id: 'PR_kwDOACME42',
    title: 'Canary for classifier v2',
    head: {
      ref: 'feature/canary',
      sha: headSha,
      repo: opts.fork
        ? { full_name: 'mallory/ml-platform', fork: true }
        : { full_name: 'acme/ml-platform', fork: false },
    },
    base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
  });
}

/** main moved from base to merge by merging PR #42 (the push a merge sends). */
export function setupMerge(
  gh: FakeGitHub,
  opts: { base?: TreeFiles; head?: TreeFiles; changed?: string[] } = {},
): void {
  gh.setTree(SHAS.base, opts.base ?? BASE_FILES);
  gh.setTree(SHAS.merge, opts.head ?? HEAD_FILES);
  gh.compares.set(`${SHAS.base}...${SHAS.merge}`, {
    files: opts.changed ?? ['deploy/production/model.yaml'],
    mergeBase: SHAS.base,
  });
  gh.addPull({
    number: 42,
    node_id: 'PR_kwDOACME42',
    title: 'Canary for classifier v2',
    state: 'closed',
    merged: true,
    merged_at: '2025-01-01T11:59:00Z',
    merge_commit_sha: SHAS.merge,
    head: { ref: 'feature/canary', sha: SHAS.head, repo: { full_name: 'acme/ml-platform', fork: false } },
    base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
  });
  gh.commitPulls.set(SHAS.merge, [42]);
}
