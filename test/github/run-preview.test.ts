import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { STICKY_MARKER } from '../../src/report/render-comment.ts';
import { MAX_RESTORED_BLOBS } from '../../src/source/restore-from-git-tree.ts';
import { createTestRepo } from '../helpers/git-repo.ts';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import { gitBlobSha } from '../helpers/github/fake-github.ts';
import type { TreeFiles } from '../helpers/github/make-tarball.ts';
import { BASE_FILES, CONFIG, configMap, HEAD_FILES, setupPull } from '../helpers/github/scenario.ts';

const NEW_HEAD = '4444444444444444444444444444444444444444';

let h: Harness;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

function opened(overrides: { headSha?: string; action?: string } = {}) {
  const payload = loadPayload(`pull_request.${overrides.action ?? 'opened'}`);
  if (overrides.headSha) payload.pull_request.head.sha = overrides.headSha;
  return payload;
}

describe('pull request preview', () => {
  test('creates the sticky comment and a check run that goes from in progress to completed', async () => {
    h = await createHarness();
    setupPull(h.gh);

    await h.receive('pull_request', opened());

    // Base and head download in parallel, so their requests interleave in any order.
    const downloads = new Set(['repos/download-tarball-archive', 'codeload']);
    expect(h.gh.operations().filter((op) => !downloads.has(op))).toEqual([
      'apps/create-installation-access-token',
      'repos/get-content',
      'checks/list-for-ref',
      'checks/create',
      'repos/compare-commits-with-basehead',
      // One trees call per revision checks the archive against the commit's tree.
      'git/get-tree',
      'git/get-tree',
      'pulls/get',
      'issues/list-comments',
      'issues/create-comment',
      'checks/update',
    ]);
    expect(
      h.gh
        .requestsFor('repos/download-tarball-archive')
        .map((r) => r.path.split('/').pop())
        .sort(),
    ).toEqual([SHAS.base, SHAS.head]);
    expect(h.gh.requestsFor('codeload')).toHaveLength(2);
    const [create] = h.gh.requestsFor('checks/create');
    expect(create?.body).toMatchObject({ name: 'Ferry', head_sha: SHAS.head, status: 'in_progress' });
    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.checkRuns[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      head_sha: SHAS.head,
    });
    expect(h.gh.commentsOn(42)).toHaveLength(1);
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body.startsWith(STICKY_MARKER)).toBe(true);
    expect(body).toContain('| production | 0 | 1 | 0 | 0 | 0 |');
    expect(body).toContain(
      '**Deployment ml/classifier**: image registry.example.com/ml/classifier:v1@sha256:aaaaaaaaaaaa… → v2@sha256:bbbbbbbbbbbb…',
    );
  });

  test('updates the one sticky comment on a new push instead of adding another', async () => {
    h = await createHarness();
    setupPull(h.gh);
    await h.receive('pull_request', opened());
    const first = h.gh.commentsOn(42)[0];

    setupPull(h.gh, {
      headSha: NEW_HEAD,
      head: { ...HEAD_FILES, 'deploy/production/extra.yaml': configMap('extra', 'v1') },
    });
    await h.receive('pull_request', opened({ action: 'synchronize', headSha: NEW_HEAD }));

    const comments = h.gh.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(first?.id);
    expect(comments[0]?.body).toContain(`[\`${NEW_HEAD.slice(0, 7)}\`]`);
    expect(comments[0]?.body).toContain('| production | 1 | 1 | 0 | 0 | 0 |');
    expect(h.gh.requestsFor('issues/update-comment')).toHaveLength(1);
    // One check run per commit: the newer push got its own.
    expect(h.gh.checkRuns.map((r) => r.head_sha)).toEqual([SHAS.head, NEW_HEAD]);
  });

  test("renders the base with the base's .github/ferry.yml: a PR that changes only the config shows what it changes", async () => {
    h = await createHarness();
    const staging = `  - name: staging
    path: deploy/production
    namespace: ml-staging
`;
    // The head moves production to another namespace and drops the staging target.
    setupPull(h.gh, {
      base: { ...BASE_FILES, '.github/ferry.yml': CONFIG + staging },
      head: { ...BASE_FILES, '.github/ferry.yml': CONFIG.replace('namespace: ml', 'namespace: ml-v2') },
      changed: ['.github/ferry.yml'],
    });

    await h.receive('pull_request', opened());

    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('| production | 1 | 0 | 1 | 0 | 0 |');
    expect(body).toContain('| staging | 0 | 0 | 1 | 0 | 0 |');
    expect(body).toContain('🗑️ **staging** is no longer a target in .github/ferry.yml');
    // Nothing is deleted by the staging target's removal: its resource is listed as kept.
    expect(body).toContain(
      'Deployment ml-staging/classifier — `its target is no longer in .github/ferry.yml`',
    );
    expect(h.gh.checkRuns[0]?.conclusion).toBe('success');
  });

  test('fails the check when validation finds errors and sends annotations 50 per request', async () => {
    h = await createHarness();
    // 120 ConfigMaps with a field ConfigMaps do not have: 120 schema errors, one per document.
    const docs = Array.from(
      { length: 120 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\nspec: {}\n`,
    );
    setupPull(h.gh, { head: { ...BASE_FILES, 'deploy/production/model.yaml': docs.join('---\n') } });

    await h.receive('pull_request', opened());

    const updates = h.gh
      .requestsFor('checks/update')
      .map((r) => r.body as { conclusion?: string; output: { annotations?: unknown[] } });
    expect(updates.map((u) => u.output.annotations?.length ?? 0)).toEqual([50, 50, 20]);
    // Only the last update completes the run, once every annotation is on it.
    expect(updates.map((u) => u.conclusion)).toEqual([undefined, undefined, 'failure']);
    const run = h.gh.checkRuns[0];
    expect(run?.conclusion).toBe('failure');
    expect(run?.output.annotations).toHaveLength(120);
    expect(run?.output.annotations[0]).toMatchObject({
      path: 'deploy/production/model.yaml',
      annotation_level: 'failure',
    });
  });

  test('a redelivered event (same delivery id) changes nothing', async () => {
    h = await createHarness();
    setupPull(h.gh);
    const payload = opened();
    await h.receive('pull_request', payload, 'delivery-abc');
    const writesBefore = h.gh.writes().length;
    const requestsBefore = h.gh.requests.length;

    await h.receive('pull_request', payload, 'delivery-abc');

    expect(h.gh.writes()).toHaveLength(writesBefore);
    // Probot reuses the installation token; the completed check run with this key ends the run.
    expect(h.gh.operations().slice(requestsBefore)).toEqual(['repos/get-content', 'checks/list-for-ref']);
    expect(h.gh.commentsOn(42)).toHaveLength(1);
    expect(h.gh.checkRuns).toHaveLength(1);
  });

  test('drops a result when a newer push arrived while rendering, and closes its check run as superseded', async () => {
    h = await createHarness();
    setupPull(h.gh);
    // The newer push lands while the older commit is being fetched.
    h.gh.hooks.set('repos/download-tarball-archive', () => {
      const pull = h.gh.pulls.get(42);
      if (pull) pull.head.sha = NEW_HEAD;
    });

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)).toHaveLength(0);
    expect(h.gh.checkRuns[0]).toMatchObject({
      head_sha: SHAS.head,
      status: 'completed',
      conclusion: 'cancelled',
    });
    expect(h.gh.checkRuns[0]?.output.summary).toContain(NEW_HEAD.slice(0, 7));
  });

  test('an older run finishing late never overwrites the newer comment or touches its check run', async () => {
    h = await createHarness();
    setupPull(h.gh, {
      headSha: NEW_HEAD,
      head: { ...HEAD_FILES, 'deploy/production/extra.yaml': configMap('extra', 'v1') },
    });
    await h.receive('pull_request', opened({ action: 'synchronize', headSha: NEW_HEAD }));
    const fresh = h.gh.commentsOn(42)[0]?.body;
    const newerRun = { ...h.gh.checkRuns[0] };
    // The delivery for the older commit arrives after (a retry, a slow queue).
    setupPull(h.gh, { headSha: SHAS.head });
    const pull = h.gh.pulls.get(42);
    if (pull) pull.head.sha = NEW_HEAD;

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)[0]?.body).toBe(fresh);
    expect(h.gh.checkRuns.find((r) => r.head_sha === NEW_HEAD)).toEqual(newerRun);
    expect(h.gh.checkRuns.find((r) => r.head_sha === SHAS.head)?.conclusion).toBe('cancelled');
  });

  test('previews a fork PR from the base repository without touching the fork', async () => {
    h = await createHarness();
    setupPull(h.gh, { fork: true });
    const payload = opened();
    payload.pull_request.head.repo.full_name = 'mallory/ml-platform';
    payload.pull_request.head.repo.owner.login = 'mallory';
    payload.pull_request.head.repo.fork = true;

    await h.receive('pull_request', payload);

    expect(h.gh.requests.every((r) => !r.path.includes('mallory'))).toBe(true);
    expect(h.gh.requestsFor('codeload').map((r) => r.path)).toEqual([
      `/acme/ml-platform/legacy.tar.gz/${SHAS.head}`,
      `/acme/ml-platform/legacy.tar.gz/${SHAS.base}`,
    ]);
    expect(h.gh.commentsOn(42)[0]?.body).toContain('| production | 0 | 1 | 0 | 0 | 0 |');
    expect(h.gh.checkRuns[0]?.conclusion).toBe('success');
  });

  test('stays silent on a repository without .github/ferry.yml', async () => {
    h = await createHarness();
    const { '.github/ferry.yml': _config, ...unconfigured } = HEAD_FILES;
    setupPull(h.gh, { base: unconfigured, head: unconfigured });

    await h.receive('pull_request', opened());

    expect(h.gh.operations()).toEqual(['apps/create-installation-access-token', 'repos/get-content']);
    expect(h.gh.comments).toHaveLength(0);
    expect(h.gh.checkRuns).toHaveLength(0);
  });

  test('a PR whose manifests fail to render gets a comment saying why and a failed check, without crashing', async () => {
    h = await createHarness();
    setupPull(h.gh, {
      head: { ...BASE_FILES, 'deploy/production/model.yaml': 'kind: ConfigMap\nmetadata: [\n' },
    });

    await expect(h.receive('pull_request', opened())).resolves.toBeUndefined();

    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('is not valid YAML');
    expect(body).toContain('deploy/production/model.yaml');
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  test('a tarball over the size cap is reported on the PR as a failure, not a crash', async () => {
    h = await createHarness({ sourceLimits: { maxBytes: 64 * 1024 } });
    setupPull(h.gh, { head: { ...HEAD_FILES, 'deploy/production/data.yaml': `# ${'x'.repeat(200_000)}\n` } });

    await expect(h.receive('pull_request', opened())).resolves.toBeUndefined();

    expect(h.gh.commentsOn(42)[0]?.body).toContain('archive exceeds 65536 uncompressed bytes');
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  test('a fork whose tarball tries to write outside the tree is refused, and nothing escapes', async () => {
    h = await createHarness();
    setupPull(h.gh, { fork: true });
    h.gh.setTree(SHAS.head, HEAD_FILES, {
      extra: [{ path: '../../escaped-by-ferry-test.yaml', type: 'File', body: 'kind: Secret\n' }],
    });

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)[0]?.body).toContain('refused archive entry');
    expect(h.gh.checkRuns[0]?.conclusion).toBe('failure');
    expect(existsSync(join(tmpdir(), 'escaped-by-ferry-test.yaml'))).toBe(false);
  });

  describe('.gitattributes cannot hide a change (issue 10, attack 4)', () => {
    /** GitHub's tarball of HEAD_FILES plus `.gitattributes`: `git archive` of a real repository honours it. */
    function archiveHonouring(attributes: string, files: TreeFiles): { files: TreeFiles; tarball: Buffer } {
      const repo = createTestRepo();
      try {
        const all = { ...files, '.gitattributes': attributes };
        repo.write(all as Record<string, string>);
        repo.commit('head');
        const prefix = `acme-ml-platform-${SHAS.head.slice(0, 7)}/`;
        const tarball = execFileSync('git', ['archive', '--format=tar.gz', `--prefix=${prefix}`, 'HEAD'], {
          cwd: repo.dir,
        });
        return { files: all, tarball };
      } finally {
        repo.dispose();
      }
    }

    test('export-ignore on the changed manifest: the comment shows the new image, never "removed"', async () => {
      h = await createHarness();
      setupPull(h.gh);
      const head = archiveHonouring('deploy/production/model.yaml export-ignore\n', HEAD_FILES);
      h.gh.setTree(SHAS.head, head.files);
      h.gh.tarballs.set(`acme/ml-platform@${SHAS.head}`, head.tarball);

      await h.receive('pull_request', opened());

      const body = h.gh.commentsOn(42)[0]?.body ?? '';
      expect(body).toContain('v2@sha256:bbbbbbbbbbbb');
      // Target, added, changed, removed: the Deployment is changed, not removed.
      expect(body).toContain('| production | 0 | 1 | 0 |');
      expect(h.gh.requestsFor('git/get-blob')).toHaveLength(1);
    });

    test('export-subst rewriting a manifest: the comment shows the committed bytes', async () => {
      h = await createHarness();
      setupPull(h.gh);
      const model = (HEAD_FILES['deploy/production/model.yaml'] as string).replace(
        'replicas: 2',
        'replicas: 2 # $Format:%H$',
      );
      const head = archiveHonouring('deploy/production/model.yaml export-subst\n', {
        ...HEAD_FILES,
        'deploy/production/model.yaml': model,
      });
      h.gh.setTree(SHAS.head, head.files);
      h.gh.tarballs.set(`acme/ml-platform@${SHAS.head}`, head.tarball);

      await h.receive('pull_request', opened());

      expect(h.gh.commentsOn(42)[0]?.body).toContain('v2@sha256:bbbbbbbbbbbb');
      // The blob served is the committed one, with `$Format:%H$` unexpanded.
      const [blob] = h.gh.requestsFor('git/get-blob');
      expect(blob?.path.split('/').pop()).toBe(gitBlobSha(Buffer.from(model)));
    });

    test('more hidden files than Ferry fetches one by one: an error finding naming the file and the attribute', async () => {
      h = await createHarness();
      const many = Object.fromEntries(
        Array.from({ length: MAX_RESTORED_BLOBS + 1 }, (_, i) => [
          `deploy/production/cm-${i}.yaml`,
          configMap(`c${i}`, 'v1'),
        ]),
      );
      setupPull(h.gh);
      const head = archiveHonouring('deploy/production/** export-ignore\n', { ...HEAD_FILES, ...many });
      h.gh.setTree(SHAS.head, head.files);
      h.gh.tarballs.set(`acme/ml-platform@${SHAS.head}`, head.tarball);

      await h.receive('pull_request', opened());

      const body = h.gh.commentsOn(42)[0]?.body ?? '';
      expect(body).toContain(
        `deploy/production/model.yaml and ${MAX_RESTORED_BLOBS + 1} more file(s) differ from the commit's tree`,
      );
      expect(body).toContain('export-ignore/export-subst in .gitattributes');
      expect(body).not.toContain('| production |');
      expect(h.gh.requestsFor('git/get-blob')).toHaveLength(0);
      expect(h.gh.checkRuns[0]?.conclusion).toBe('failure');
    });

    test('a truncated tree listing fails the preview rather than trusting the archive', async () => {
      h = await createHarness();
      setupPull(h.gh);
      h.gh.truncatedTrees = true;

      await h.receive('pull_request', opened());

      expect(h.gh.commentsOn(42)[0]?.body).toContain("GitHub's trees API truncated");
      expect(h.gh.checkRuns[0]?.conclusion).toBe('failure');
    });
  });

  test('links in a tarball are skipped, never followed', async () => {
    h = await createHarness();
    setupPull(h.gh);
    h.gh.setTree(SHAS.head, HEAD_FILES, {
      extra: [{ path: 'deploy/production/passwd.yaml', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
    });

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)[0]?.body).toContain('| production | 0 | 1 | 0 | 0 | 0 |');
    expect(h.gh.commentsOn(42)[0]?.body).not.toContain('root:');
    expect(h.gh.checkRuns[0]?.conclusion).toBe('success');
  });

  describe('submodules and links, known from the tree listing as ferry diff knows them from git', () => {
    const config = `${CONFIG}  - name: vendored\n    path: vendor/mf/app\n    namespace: ml\n`;

    test("a target in a git submodule is warned of on its line in .github/ferry.yml, not shown as 'no changes'", async () => {
      h = await createHarness();
      setupPull(h.gh, { changed: ['vendor/mf'] });
      // GitHub's tarball leaves a submodule as an empty folder; only the tree listing says it is one.
      h.gh.setTree(
        SHAS.base,
        { ...BASE_FILES, '.github/ferry.yml': config },
        {
          submodules: { 'vendor/mf': 'a'.repeat(40) },
        },
      );
      h.gh.setTree(
        SHAS.head,
        { ...BASE_FILES, '.github/ferry.yml': config },
        {
          submodules: { 'vendor/mf': 'b'.repeat(40) },
        },
      );

      await h.receive('pull_request', opened());

      const run = h.gh.checkRuns[0];
      expect(run?.output.annotations).toEqual([
        expect.objectContaining({
          path: '.github/ferry.yml',
          // The target's `path:` line (Target.declared).
          start_line: 7,
          annotation_level: 'warning',
          message: expect.stringMatching(
            /^target 'vendored': its path vendor\/mf\/app is in the git submodule vendor\/mf; .*the target's changes are not shown/,
          ),
        }),
      ]);
      expect(h.gh.commentsOn(42)[0]?.body).toContain('is in the git submodule vendor/mf');
    });

    test('a target whose path is a link to a kustomization is refused as ferry diff refuses it', async () => {
      h = await createHarness();
      const linked = `${CONFIG}  - name: staging\n    path: deploy/staging\n    namespace: ml\n`;
      const files: TreeFiles = {
        ...HEAD_FILES,
        '.github/ferry.yml': linked,
        'deploy/base/kustomization.yaml': 'resources:\n  - config.yaml\n',
        'deploy/base/config.yaml': configMap('settings', 'v1'),
        'deploy/overlays/staging/kustomization.yaml': 'resources:\n  - ../../base\n',
      };
      setupPull(h.gh, { head: files, changed: ['.github/ferry.yml', 'deploy/production/model.yaml'] });
      h.gh.setTree(SHAS.head, files, {
        extra: [{ path: 'deploy/staging', type: 'SymbolicLink', linkpath: 'overlays/staging' }],
      });

      await h.receive('pull_request', opened());

      const body = h.gh.commentsOn(42)[0]?.body ?? '';
      expect(body).toContain(
        'its path deploy/staging is a symbolic link to deploy/overlays/staging, a kustomization',
      );
      expect(body).not.toContain('leads outside the repository');
      expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    });
  });

  test('a broken .github/ferry.yml is a finding on the PR, not a crash', async () => {
    h = await createHarness();
    setupPull(h.gh, {
      head: { ...HEAD_FILES, '.github/ferry.yml': 'targets:\n  - name: production\n    pth: deploy\n' },
    });

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)[0]?.body).toContain('.github/ferry.yml');
    expect(h.gh.checkRuns[0]?.conclusion).toBe('failure');
    expect(h.gh.checkRuns[0]?.output.annotations[0]).toMatchObject({ path: '.github/ferry.yml' });
    // Not the fallback's whole-repository `default` target, nor `production` shown as removed.
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('no target is checked or previewed while this file has errors');
    expect(body).not.toContain('| default |');
    expect(body).not.toContain('| production |');
  });

  test('finds the config under its other name, .github/ferry.yaml', async () => {
    h = await createHarness();
    const { '.github/ferry.yml': config, ...rest } = HEAD_FILES;
    const { '.github/ferry.yml': _base, ...baseRest } = BASE_FILES;
    setupPull(h.gh, {
      base: { ...baseRest, '.github/ferry.yaml': config as string },
      head: { ...rest, '.github/ferry.yaml': config as string },
    });

    await h.receive('pull_request', opened());

    expect(h.gh.commentsOn(42)[0]?.body).toContain('| production | 0 | 1 | 0 | 0 | 0 |');
  });

  test('a PR that touches no target gets a passing check but no new comment', async () => {
    h = await createHarness();
    setupPull(h.gh, { head: { ...BASE_FILES, 'README.md': '# changed\n' }, changed: ['README.md'] });

    await h.receive('pull_request', opened());

    expect(h.gh.comments).toHaveLength(0);
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  test('skips draft pull requests until they are ready for review', async () => {
    h = await createHarness();
    setupPull(h.gh);
    const draft = opened();
    draft.pull_request.draft = true;

    await h.receive('pull_request', draft);
    expect(h.gh.operations()).toEqual([]);

    await h.receive('pull_request', opened({ action: 'ready_for_review' }));
    expect(h.gh.checkRuns[0]?.conclusion).toBe('success');
  });

  test('a GitHub outage is thrown for a retry, which finishes the same check run', async () => {
    h = await createHarness();
    setupPull(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', 502);

    await expect(h.receive('pull_request', opened(), 'delivery-1')).rejects.toThrow();
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'in_progress' });
    h.gh.problems.length = 0;

    await h.receive('pull_request', opened(), 'delivery-1');

    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(h.gh.commentsOn(42)).toHaveLength(1);
  });

  test('re-runs on check_run rerequested, finding the PR of a fork from the check run key', async () => {
    h = await createHarness();
    setupPull(h.gh, { fork: true });
    await h.receive('pull_request', opened());
    const rerequest = loadPayload('check_run.rerequested');
    rerequest.check_run.id = h.gh.checkRuns[0]?.id;
    rerequest.check_run.external_id = h.gh.checkRuns[0]?.external_id;

    await h.receive('check_run', rerequest);

    expect(h.gh.checkRuns).toHaveLength(2);
    expect(h.gh.checkRuns[1]).toMatchObject({
      head_sha: SHAS.head,
      external_id: `pr/42/rerun-${h.gh.checkRuns[0]?.id}/${SHAS.base}`,
      conclusion: 'success',
    });
    expect(h.gh.commentsOn(42)).toHaveLength(1);
  });

  // "Re-run all checks" sends check_suite rerequested, not check_run: Ferry ignored it and the
  // button did nothing for its check.
  test('re-runs on check_suite rerequested ("Re-run all checks"), finding a fork PR from its suite', async () => {
    h = await createHarness();
    setupPull(h.gh, { fork: true });
    await h.receive('pull_request', opened());
    const rerequest = loadPayload('check_suite.rerequested');
    h.gh.checkSuites.set(rerequest.check_suite.id, SHAS.head);
    const first = h.gh.checkRuns[0];

    await h.receive('check_suite', rerequest);
    // A second "Re-run all checks" re-runs again: it keys on the suite's newest run.
    await h.receive('check_suite', rerequest);

    expect(h.gh.checkRuns.map((r) => r.external_id)).toEqual([
      `pr/42/event/${SHAS.base}`,
      `pr/42/rerun-${first?.id}/${SHAS.base}`,
      `pr/42/rerun-${h.gh.checkRuns[1]?.id}/${SHAS.base}`,
    ]);
    expect(h.gh.checkRuns.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(h.gh.commentsOn(42)).toHaveLength(1);
  });

  test('a check_suite rerequested for a head the PR has left behind previews nothing', async () => {
    h = await createHarness();
    setupPull(h.gh);
    await h.receive('pull_request', opened());
    const rerequest = loadPayload('check_suite.rerequested');
    h.gh.checkSuites.set(rerequest.check_suite.id, SHAS.head);
    const pull = h.gh.pulls.get(42);
    if (pull) pull.head.sha = NEW_HEAD;

    await h.receive('check_suite', rerequest);

    expect(h.gh.checkRuns).toHaveLength(1);
  });

  test('a re-run of the check of a merged pull request leaves its comment (what the merge deployed) alone', async () => {
    h = await createHarness();
    setupPull(h.gh);
    await h.receive('pull_request', opened());
    const sticky = { ...h.gh.commentsOn(42)[0] };
    const pull = h.gh.pulls.get(42);
    if (pull) Object.assign(pull, { state: 'closed', merged: true, merged_at: '2025-01-01T12:30:00Z' });
    const rerequest = loadPayload('check_run.rerequested');
    rerequest.check_run.id = h.gh.checkRuns[0]?.id;
    rerequest.check_run.external_id = h.gh.checkRuns[0]?.external_id;
    const suite = loadPayload('check_suite.rerequested');
    h.gh.checkSuites.set(suite.check_suite.id, SHAS.head);

    await h.receive('check_run', rerequest);
    await h.receive('check_suite', suite);

    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.commentsOn(42)).toEqual([sticky]);
  });

  // Editing a PR's base branch changes what it merges into: the preview of the old base stood.
  test('previews again when the base branch is edited, against the new base', async () => {
    h = await createHarness();
    setupPull(h.gh);
    await h.receive('pull_request', opened());
    const NEW_BASE = '5555555555555555555555555555555555555555';
    h.gh.setTree(NEW_BASE, { ...BASE_FILES, 'deploy/production/model.yaml': configMap('classifier', 'v0') });
    h.gh.compares.set(`${NEW_BASE}...${SHAS.head}`, {
      files: ['deploy/production/model.yaml'],
      mergeBase: NEW_BASE,
    });
    const edited = loadPayload('pull_request.edited');
    edited.pull_request.base.ref = 'release';
    edited.pull_request.base.sha = NEW_BASE;
    edited.changes = { base: { ref: { from: 'main' }, sha: { from: SHAS.base } } };

    await h.receive('pull_request', edited);

    expect(h.gh.checkRuns.map((r) => r.external_id)).toEqual([
      `pr/42/event/${SHAS.base}`,
      `pr/42/event/${NEW_BASE}`,
    ]);
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('ConfigMap');
  });

  test('a title or body edit previews nothing and costs no request', async () => {
    h = await createHarness();
    setupPull(h.gh);
    const edited = loadPayload('pull_request.edited');
    edited.changes = { title: { from: 'old title' } };

    await h.receive('pull_request', edited);

    expect(h.gh.operations()).toEqual([]);
  });

  test('never writes the installation token to the log', async () => {
    h = await createHarness();
    setupPull(h.gh);

    await h.receive('pull_request', opened());

    expect(h.logs.length).toBeGreaterThan(0);
    expect(h.logs.join('\n')).not.toContain('ghs_faketoken');
  });
});
