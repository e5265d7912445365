/**
 * A revision of a repository as a local directory tree: the one seam between where source comes
 * from (GitHub's tarball endpoint, a local git repository) and everything that reads it (render).
 */
export interface SourceTree {
  /** Absolute, symlink-free path of the tree's root directory. */
  root: string;
  /** The revision the tree holds (a full commit SHA when known). */
  revision: string;
  /** Removes the tree. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** Cap on one revision's uncompressed source, archive and files restored from the tree. */
export const DEFAULT_MAX_SOURCE_BYTES = 200 * 1024 * 1024;

/** Cap on one revision's regular files. */
export const DEFAULT_MAX_SOURCE_FILES = 20_000;

/** What a safe extraction left out: the tree never holds links or special files. */
export interface ExtractionStats {
  /** Regular files written. */
  files: number;
  /** Symbolic and hard links skipped. */
  skippedLinks: number;
  /** Devices, FIFOs and unknown entry types skipped. */
  skippedSpecial: number;
  /** Bytes of the uncompressed archive read (headers and padding included). */
  bytes: number;
}

/**
 * What a git revision's tree holds that its extraction writes no file for as such: its submodules
 * (gitlinks, mode 160000: git holds the submodule's commit id, not its files, so each is an empty
 * folder) and its symbolic links (written as copies of what they point to, or skipped).
 */
export interface TreeLayout {
  /** Repo-relative paths of the gitlink entries. */
  submodules: readonly string[];
  /** Every symbolic link, with the target it was committed with. */
  links: readonly { path: string; target: string }[];
}

export interface ExtractedTree extends SourceTree {
  stats: ExtractionStats;
  /**
   * Set by openGitRevision(s), and by the App's getSourceTree from the commit's tree listing: an
   * archive alone does not say which of its empty folders are submodules.
   */
  layout?: TreeLayout;
  /** The archive's symbolic links with their targets, as extractTarball read them (none for git). */
  archiveLinks?: readonly { path: string; target: string }[];
}
