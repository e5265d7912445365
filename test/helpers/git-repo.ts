import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway git repository for engine and CLI tests. */
export interface TestRepo {
  dir: string;
  write(files: Record<string, string>): void;
  remove(path: string): void;
  commit(message: string): string;
  git(...args: string[]): string;
  dispose(): void;
}

export function createTestRepo(from?: string): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-test-repo-'));
  if (from) cpSync(from, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  return {
    dir,
    git,
    write(files) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    },
    remove(path) {
      rmSync(join(dir, path), { recursive: true, force: true });
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
