import { generateKeyPairSync } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { ApplicationFunction } from 'probot';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { type RunningServer, serveCommand } from '../../../src/cli/commands/serve.ts';
import { loadPayload } from '../../helpers/github/app-harness.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

afterEach(() => vi.restoreAllMocks());

describe('ferry serve', () => {
  test('exits 2 naming every missing variable at once, without a stack trace', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((msg: string) => errors.push(msg));

    const code = await serveCommand([], { env: { PORT: 'eighty' } });

    expect(code).toBe(2);
    expect(errors).toHaveLength(1);
    const message = errors[0] ?? '';
    for (const name of [
      'APP_ID',
      'WEBHOOK_SECRET',
      'PRIVATE_KEY or PRIVATE_KEY_PATH',
      'PORT must be a port number',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toMatch(/\n\s+at /);
  });

  test('a signed webhook POST reaches the app; a forged one is rejected before it', async () => {
    const received: { name: string; id: string; action?: string }[] = [];
    const app: ApplicationFunction = (probot) => {
      probot.onAny(async (event) => {
        received.push({
          name: event.name,
          id: event.id,
          action: (event.payload as { action?: string }).action,
        });
      });
    };
    const stop = new AbortController();
    let server: RunningServer | undefined;
    const listening = new Promise<RunningServer>((resolve) => {
      const done = serveCommand([], {
        env: {
          APP_ID: '12345',
          PRIVATE_KEY: privateKey,
          WEBHOOK_SECRET: 'shh',
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        },
        app,
        signal: stop.signal,
        onListening: resolve,
      });
      void done.then((code) => expect(code).toBe(0));
    });
    server = await listening;
    const body = JSON.stringify(loadPayload('pull_request.opened'));
    const post = (signature: string) =>
      fetch(`${server?.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': 'd-1',
          'x-hub-signature-256': signature,
        },
        body,
      });

    const forged = await post(await sign('not-the-secret', body));
    const signed = await post(await sign('shh', body));
    const ping = await fetch(`${server.url}/ping`);
    stop.abort();

    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(signed.status).toBe(200);
    expect(await ping.text()).toBe('PONG');
    expect(received).toEqual([{ name: 'pull_request', id: 'd-1', action: 'opened' }]);
  });

  test('rejects unknown options as a usage error', async () => {
    await expect(serveCommand(['--port', '80'], { env: {} })).rejects.toThrow("unknown option '--port'");
  });
});
