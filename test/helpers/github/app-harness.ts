/**
 * Drives Ferry's App the way GitHub does: `probot.receive` with real (adapted) webhook payloads,
 * a real RSA key for installation tokens, and the FakeGitHub mounted on nock (no other network).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { createFerryApp } from '../../../src/github/ferry-app.ts';
import type { FerryDeps } from '../../../src/github/ferry-deps.ts';
import { FakeGitHub } from './fake-github.ts';

const PAYLOADS = join(import.meta.dirname, '..', '..', 'fixtures', 'github', 'payloads');

export const SHAS = {
  base: '1111111111111111111111111111111111111111',
  head: '2222222222222222222222222222222222222222',
  merge: '3333333333333333333333333333333333333333',
} as const;

let key: string | undefined;

/** One real 2048-bit key per test file: Probot signs a real JWT for the installation token. */
export function testPrivateKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

/** A payload from test/fixtures/github/payloads (adapted from @octokit/webhooks-examples), deep-copied. */
// biome-ignore lint/suspicious/noExplicitAny: payloads are edited freely by tests
export function loadPayload<T = Record<string, any>>(name: string): T {
  return JSON.parse(readFileSync(join(PAYLOADS, `${name}.json`), 'utf8')) as T;
}

export interface Harness {
  gh: FakeGitHub;
  probot: Probot;
  /** Log lines (JSON) the App wrote. */
  logs: string[];
  receive(name: string, payload: unknown, id?: string): Promise<void>;
  close(): void;
}

let deliveries = 0;

export async function createHarness(deps: Partial<FerryDeps> = {}): Promise<Harness> {
  const gh = new FakeGitHub();
  const mount = gh.mountOnNock();
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const probot = new Probot({
    appId: 12345,
    privateKey: testPrivateKey(),
    log,
    // The function form wins over Probot's own defaults at construction time; the object form
    // leaves the throttle's one-second gap between writes in place.
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(createFerryApp({ now: () => new Date('2025-01-01T12:00:00Z'), ...deps }));
  return {
    gh,
    probot,
    logs,
    async receive(name, payload, id) {
      deliveries += 1;
      await probot.receive({ id: id ?? `delivery-${deliveries}`, name, payload } as Parameters<
        Probot['receive']
      >[0]);
    },
    close() {
      mount.unmount();
    },
  };
}
