import { describe, expect, it } from 'vitest';
import { planLinkCopies } from '../../src/source/plan-link-copies.ts';

const FILES = [
  'site/static/examples/jobs/job.yaml',
  'site/static/examples/admin/queue.yaml',
  'deploy/app.yaml',
];

describe('planLinkCopies', () => {
  // kubernetes-sigs/kueue@ff69552: `examples` is a link to site/static/examples.
  it('copies every file below a linked folder, and a linked file, under the link', () => {
    const { copies, skipped } = planLinkCopies(
      [
        { path: 'examples', target: 'site/static/examples' },
        { path: 'deploy/current.yaml', target: 'app.yaml' },
      ],
      FILES,
    );
    expect(copies).toEqual([
      { from: 'site/static/examples/admin/queue.yaml', to: 'examples/admin/queue.yaml' },
      { from: 'site/static/examples/jobs/job.yaml', to: 'examples/jobs/job.yaml' },
      { from: 'deploy/app.yaml', to: 'deploy/current.yaml' },
    ]);
    expect(skipped).toBe(0);
  });

  it('follows a link through another link, and a path below a linked folder', () => {
    const { copies } = planLinkCopies(
      [
        { path: 'docs/jobs', target: '../examples/jobs' },
        { path: 'examples', target: './site/static/examples/' },
      ],
      FILES,
    );
    expect(copies).toContainEqual({ from: 'site/static/examples/jobs/job.yaml', to: 'docs/jobs/job.yaml' });
  });

  it('skips links that are absolute, leave the repository, dangle or loop', () => {
    const { copies, skipped } = planLinkCopies(
      [
        { path: 'passwd', target: '/etc/passwd' },
        { path: 'deploy/up', target: '../../outside' },
        { path: 'deploy/gone', target: 'missing.yaml' },
        { path: 'deploy/self', target: '.' },
        { path: 'deploy/root', target: '..' },
        { path: 'a', target: 'b' },
        { path: 'b', target: 'a' },
      ],
      FILES,
    );
    expect(copies).toEqual([]);
    expect(skipped).toBe(7);
  });
});
