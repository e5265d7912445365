import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
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

  // Issue 10, attack 7: a signed 30 MB payload was read and parsed in full (~780 MB per request).
  test('answers 413 to a signed body over 25 MiB, declared or streamed, and never runs the app on it', async () => {
    const received: string[] = [];
    const { server, stop } = await startWith((probot) => {
      probot.onAny(async (event) => {
        received.push(event.id);
      });
    });
    const big = JSON.stringify({
      ...loadPayload('pull_request.opened'),
      padding: 'x'.repeat(30 * 1024 * 1024),
    });
    const signature = await sign('shh', big);
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-hub-signature-256': signature,
    };

    const declared = await postRaw(`${server.url}/api/github/webhooks`, {
      headers: { ...headers, 'x-github-delivery': 'big-1', 'content-length': String(Buffer.byteLength(big)) },
      chunks: [big],
    });
    // No Content-Length (chunked): counted as it streams in, refused once past the cap.
    const streamed = await postRaw(`${server.url}/api/github/webhooks`, {
      headers: { ...headers, 'x-github-delivery': 'big-2' },
      chunks: Array.from({ length: 30 }, (_, i) =>
        big.slice(i * 1024 * 1024, (i + 1) * 1024 * 1024 + (i === 29 ? 1e6 : 0)),
      ),
    });
    const small = JSON.stringify(loadPayload('pull_request.opened'));
    const ok = await postRaw(`${server.url}/api/github/webhooks`, {
      headers: {
        ...headers,
        'x-hub-signature-256': await sign('shh', small),
        'x-github-delivery': 'small-1',
      },
      chunks: [small],
    });
    stop.abort();

    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
    expect(ok.status).toBe(200);
    expect(received).toEqual(['small-1']);
  });

  // Issue 10, attack 8: the same delivery sent twice at once ran twice.
  test('runs a delivery sent twice at once, or again later, only once; a failed one runs again when redelivered', async () => {
    const received: string[] = [];
    let fail = true;
    const { server, stop } = await startWith((probot) => {
      probot.onAny(async (event) => {
        received.push(event.id);
        // Slow enough that the second copy arrives while the first is still being handled.
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (event.id === 'd-fail' && fail) {
          fail = false;
          throw new Error('GitHub was down');
        }
      });
    });
    const body = JSON.stringify(loadPayload('issue_comment.created'));
    const post = async (id: string) =>
      (
        await fetch(`${server.url}/api/github/webhooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'issue_comment',
            'x-github-delivery': id,
            'x-hub-signature-256': await sign('shh', body),
          },
          body,
        })
      ).status;

    const twice = await Promise.all([post('d-1'), post('d-1')]);
    const later = await post('d-1');
    const failed = await post('d-fail');
    const redelivered = await post('d-fail');
    stop.abort();

    expect(twice).toEqual([200, 200]);
    expect(later).toBe(200);
    expect(failed).toBe(500);
    expect(redelivered).toBe(200);
    expect(received).toEqual(['d-1', 'd-fail', 'd-fail']);
  });

  test('rejects unsigned and malformed deliveries before the app: 401, 400, 405', async () => {
    const received: string[] = [];
    const { server, stop } = await startWith((probot) => {
      probot.onAny(async (event) => {
        received.push(event.id);
      });
    });
    const url = `${server.url}/api/github/webhooks`;
    const notJson = 'not json';
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-github-delivery': 'u-1' },
      body: '{}',
    });
    const garbled = await fetch(url, {
      method: 'POST',
      headers: {
        'x-github-event': 'push',
        'x-github-delivery': 'g-1',
        'x-hub-signature-256': await sign('shh', notJson),
      },
      body: notJson,
    });
    const noId = await fetch(url, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': await sign('shh', '{}') },
      body: '{}',
    });
    const get = await fetch(url);
    stop.abort();

    expect(unsigned.status).toBe(401);
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toEqual({ message: 'body is not JSON' });
    expect(noId.status).toBe(400);
    expect(get.status).toBe(405);
    expect(received).toEqual([]);
  });

  test('rejects unknown options as a usage error', async () => {
    await expect(serveCommand(['--port', '80'], { env: {} })).rejects.toThrow("unknown option '--port'");
  });
});

async function startWith(
  app: ApplicationFunction,
): Promise<{ server: RunningServer; stop: AbortController }> {
  const stop = new AbortController();
  const server = await new Promise<RunningServer>((resolve, reject) => {
    serveCommand([], {
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
    }).catch(reject);
  });
  return { server, stop };
}

/**
 * A POST over node:http, chunk by chunk; resolves with the status as soon as the server answers,
 * even if it closes the connection before the whole body is written (as it does for a 413).
 */
function postRaw(
  url: string,
  opts: { headers: Record<string, string>; chunks: string[] },
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: opts.headers });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      // The server closes the connection after a 413: a write still in flight fails on the response.
      res.on('error', () => undefined);
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const write = (i: number) => {
      if (answered || req.destroyed) return;
      const chunk = opts.chunks[i];
      if (chunk === undefined) {
        req.end();
        return;
      }
      if (req.write(chunk)) setImmediate(() => write(i + 1));
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}
