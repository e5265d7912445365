/**
 * The key a check run carries in `external_id`: which pull request, what triggered the run, and the
 * base it was compared with. The head is the check run's own `head_sha`. A second delivery of the
 * same event yields the same key and so finds the same check run instead of making another.
 */
export interface RunKey {
  pull: number;
  /** `event` for pull_request events, `comment-<id>` for /preview, `rerun-<check run id>`. */
  trigger: string;
  base: string;
}

export function formatRunKey(key: RunKey): string {
  return `pr/${key.pull}/${key.trigger}/${key.base}`;
}

export function parseRunKey(externalId: string | null | undefined): RunKey | undefined {
  const m = /^pr\/(\d+)\/([a-z]+(?:-\d+)?)\/([0-9a-f]{40})$/.exec(externalId ?? '');
  if (!m) return undefined;
  return { pull: Number(m[1]), trigger: m[2] as string, base: m[3] as string };
}
