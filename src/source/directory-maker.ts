import { mkdirSync } from 'node:fs';

/**
 * `mkdir -p` for a tree being written, each directory asked for once. Every directory of the tree is
 * made here and never a link, so no path component can redirect a write (extractTarball,
 * openGitRevision).
 */
export function directoryMaker(): (dir: string) => void {
  const made = new Set<string>();
  return (dir) => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    made.add(dir);
  };
}
