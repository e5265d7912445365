/** Repository states the App's tests start from: a PR #42 from feature/canary into main. */

import { SHAS } from './app-harness.ts';
import type { FakeGitHub } from './fake-github.ts';
import type { TreeFiles } from './make-tarball.ts';

export const CONFIG = `targets:
  - name: production
    path: deploy/production
    namespace: ml
    cluster: { provider: eks, name: ml-prod, region: eu-west-1 }
`;

/** A clean resource (no findings), so a preview's conclusion is the change's own. */
export function configMap(name: string, version: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  MODEL_VERSION: "${version}"\n`;
}

/** A clean model server (pinned image, requests and limits): its image change is the AI summary. */
export function modelServer(tag: string, digest: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: classifier
  labels: { app: classifier }
spec:
  replicas: 2
  selector:
    matchLabels: { app: classifier }
  template:
    metadata:
      labels: { app: classifier }
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/classifier:${tag}@sha256:${digest.repeat(64)}
          resources:
            requests: { cpu: 500m, memory: 1Gi }
            limits: { cpu: "1", memory: 1Gi }
`;
}

export const BASE_FILES: TreeFiles = {
  '.github/ferry.yml': CONFIG,
  'deploy/production/model.yaml': modelServer('v1', 'a'),
  'README.md': '# ml-platform\n',
};

export const HEAD_FILES: TreeFiles = {
  ...BASE_FILES,
  'deploy/production/model.yaml': modelServer('v2', 'b'),
};

export const SUMMARY = [
  {
    resource: 'Deployment ml/classifier',
    facts: ['image registry.example.com/ml/classifier:v1@sha256:aaaaaaaaaaaa… → v2@sha256:bbbbbbbbbbbb…'],
  },
];

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
