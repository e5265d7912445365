import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Probot } from 'probot';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { createFerryApp } from '../../src/github/ferry-app.ts';

const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', 'app.yml'), 'utf8')) as {
  default_events: string[];
  default_permissions: Record<string, string>;
  public: boolean;
};

test('app.yml subscribes to exactly the events the app handles', async () => {
  const handled = new Set<string>();
  const app = {
    on: (names: string | string[]) => {
      for (const name of [names].flat()) handled.add(name.split('.')[0] as string);
    },
  } as unknown as Probot;
  await createFerryApp()(app, { cwd: '.', addHandler: () => {} });
  expect([...manifest.default_events].sort()).toEqual([...handled].sort());
});

test('app.yml asks for the least permissions that work, and no others', () => {
  expect(manifest.default_permissions).toEqual({
    metadata: 'read',
    contents: 'write',
    pull_requests: 'write',
    issues: 'write',
    checks: 'write',
    deployments: 'write',
  });
  expect(manifest.public).toBe(false);
});
