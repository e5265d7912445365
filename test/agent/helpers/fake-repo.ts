import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SourceTreeLike } from '../../../src/agent/agent-deps.ts';
import type { CompareStatus } from '../../../src/agent/agent-github.ts';

interface Commit {
  parent: string | undefined;
  files: Record<string, string>;
}

/** An in-memory Git history: commits with full trees, branches, and GitHub's compare semantics. */
export class FakeRepo {
  readonly commits = new Map<string, Commit>();
  readonly branches = new Map<string, string>();
  private counter = 0;
  /** The branch GitHub reports as the repository's default. */
  defaultBranch = 'main';

  constructor(readonly fullName = 'acme/models') {}

  private newSha(files: Record<string, string>): string {
    this.counter++;
    return createHash('sha1')
      .update(`${this.counter}\n${JSON.stringify(files)}`)
      .digest('hex');
  }

  /** Commits `changes` (null deletes a file) on top of `branch`, moving it. */
  commit(branch: string, changes: Record<string, string | null>): string {
    const parent = this.branches.get(branch);
    const sha = this.commitOn(parent, changes);
    this.branches.set(branch, sha);
    return sha;
  }

  /** A commit on top of `parent` that no branch points to (an unmerged PR head). */
  commitOn(parent: string | undefined, changes: Record<string, string | null>): string {
    const files = { ...(parent ? (this.commits.get(parent)?.files ?? {}) : {}) };
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) delete files[path];
      else files[path] = content;
    }
    const sha = this.newSha(files);
    this.commits.set(sha, { parent, files });
    return sha;
  }

  resolve(ref: string): string | undefined {
    return this.branches.get(ref) ?? (this.commits.has(ref) ? ref : undefined);
  }

  private ancestors(sha: string): Set<string> {
    const out = new Set<string>();
    for (let cur: string | undefined = sha; cur; cur = this.commits.get(cur)?.parent) out.add(cur);
    return out;
  }

  /** GitHub compare of head relative to base: ahead, behind, identical, diverged (or missing). */
  compare(base: string, head: string): CompareStatus {
    const b = this.resolve(base);
    const h = this.resolve(head);
    if (!b || !h) return 'missing';
    if (b === h) return 'identical';
    if (this.ancestors(h).has(b)) return 'ahead';
    if (this.ancestors(b).has(h)) return 'behind';
    return 'diverged';
  }

  files(sha: string): Record<string, string> {
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`fake repo: no commit ${sha}`);
    return commit.files;
  }

  /** Every commit's files (the blobs the repository holds). */
  allFiles(): Record<string, string>[] {
    return [...this.commits.values()].map((c) => c.files);
  }

  /** Writes a revision's tree to a temp directory (what extracting its tarball gives). */
  async checkout(sha: string): Promise<SourceTreeLike> {
    const root = await mkdtemp(join(tmpdir(), 'ferry-agent-test-'));
    for (const [path, content] of Object.entries(this.files(sha))) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return { root, revision: sha, dispose: () => rm(root, { recursive: true, force: true }) };
  }
}
