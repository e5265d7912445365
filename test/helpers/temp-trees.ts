import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Fresh temp folders for one test file, all removed after it: the function returned writes each
 * relative path of `files` (making folders as needed) into a new `<prefix>…` folder and returns it.
 */
export function tempTrees(prefix: string): (files?: Record<string, string>) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (files = {}) => {
    const root = mkdtempSync(join(tmpdir(), prefix));
    made.push(root);
    writeTree(root, files);
    return root;
  };
}

/** Writes each relative path of `files` under `root`, making folders as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
