import { describe, expect, test } from 'vitest';
import { parseTreeLayout } from '../../src/source/parse-tree-layout.ts';

describe('parseTreeLayout', () => {
  test("names the listing's gitlinks as submodules and its links with the targets the archive gave them", () => {
    const layout = parseTreeLayout({
      listing: {
        truncated: false,
        entries: [
          { path: 'deploy', mode: '040000', type: 'tree', sha: '1'.repeat(40) },
          { path: 'deploy/app.yaml', mode: '100644', type: 'blob', sha: '2'.repeat(40), size: 10 },
          { path: 'vendor/mf', mode: '160000', type: 'commit', sha: '3'.repeat(40) },
          { path: 'deploy/staging', mode: '120000', type: 'blob', sha: '4'.repeat(40), size: 16 },
          // Left out of the archive (export-ignore): no target known, and nothing written at its path.
          { path: 'deploy/hidden', mode: '120000', type: 'blob', sha: '5'.repeat(40), size: 4 },
          // Git never stores such a path; it is not trusted either.
          { path: '../escape', mode: '160000', type: 'commit', sha: '6'.repeat(40) },
        ],
      },
      archiveLinks: [{ path: 'deploy/staging', target: 'overlays/staging' }],
    });
    expect(layout).toEqual({
      submodules: ['vendor/mf'],
      links: [{ path: 'deploy/staging', target: 'overlays/staging' }],
    });
  });
});
