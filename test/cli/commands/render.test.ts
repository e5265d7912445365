import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.ts';
import { runFerry } from '../../helpers/run-ferry.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'examples', 'classifier');

let repo: TestRepo | undefined;
afterEach(() => repo?.dispose());

describe('ferry render', () => {
  it("prints kustomize's own message under the finding that says it is below", () => {
    repo = createTestRepo(EXAMPLE);
    repo.write({ 'deploy/overlays/staging/kustomization.yaml': 'resources:\n  - ../staging\n' });
    const r = runFerry(['render', 'staging', '--repo', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^deploy\/overlays\/staging\/kustomization\.yaml:1: error: kubectl kustomize could not build this kustomization \(its message is below\)\n {2}│ error: .*cycle detected/,
    );
  });

  it("prints helm's own message under its finding", () => {
    repo = createTestRepo(EXAMPLE);
    repo.write({ 'deploy/charts/batch-eval/templates/broken.yaml': '{{ fail "no model given" }}\n' });
    const r = runFerry(['render', 'batch-eval', '--repo', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/: error: .*no model given\n {2}│ Error: .*no model given/);
  });
});
