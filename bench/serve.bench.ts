/**
 * `ferry serve` under signed 30 MiB deliveries (GitHub never sends more than 25 MB): memory growth
 * of the server process while it answers them, Ferry's endpoint (413 before buffering or parsing)
 * beside Probot's own middleware (what `ferry serve` used before: reads, verifies and parses any
 * body), measured in the same run, one after the other, with a GC between:
 *
 *   npm run bench -- serve
 *
 * Growth = peak RSS sampled every 5 ms during the requests, minus RSS before them. Both servers
 * run a no-op App. Figures, never assertions.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from '@octokit/webhooks-methods';
import { type ApplicationFunction, createNodeMiddleware, Probot } from 'probot';
import { startServer } from '../src/cli/commands/serve.ts';

const MIB = 1024 * 1024;
const DELIVERIES = 3;
const SECRET = 'bench-secret';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const noop: ApplicationFunction = (app) => {
  app.onAny(async () => {});
};

// A valid, signed issue_comment-shaped payload padded to 30 MiB (prepared before any baseline).
const body = Buffer.from(
  JSON.stringify({
    action: 'created',
    comment: { id: 1, body: 'x'.repeat(30 * MIB) },
    repository: { full_name: 'acme/ml-platform' },
  }),
);
const signature = await sign(SECRET, body.toString('utf8'));

/** `chunked`: no Content-Length, the body streamed in 1 MiB chunks (the server must count). */
function post(url: string, id: string, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': String(body.length) }),
        'x-github-event': 'issue_comment',
        'x-github-delivery': id,
        'x-hub-signature-256': signature,
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      // The server closes the connection after a 413: a write still in flight fails on the response.
      res.on('error', () => undefined);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    if (!chunked) {
      req.end(body);
      return;
    }
    const write = (offset: number) => {
      if (answered || req.destroyed) return;
      try {
        if (offset >= body.length) {
          req.end();
          return;
        }
        const more = req.write(body.subarray(offset, offset + MIB));
        if (more) setImmediate(() => write(offset + MIB));
        else req.once('drain', () => write(offset + MIB));
      } catch (err) {
        // The server closed the connection after answering (413): the rest is not wanted.
        if (!answered) reject(err);
      }
    };
    write(0);
  });
}

async function measure(
  url: string,
  label: string,
  chunked: boolean,
): Promise<{ growthMiB: number; statuses: number[] }> {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const statuses: number[] = [];
  for (let i = 0; i < DELIVERIES; i++) statuses.push(await post(url, `${label}-${i}`, chunked));
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { growthMiB: Math.round(((peak - before) / MIB) * 10) / 10, statuses };
}

async function probotMiddlewareServer(): Promise<{ url: string; server: Server }> {
  const probot = new Probot({ appId: 1, privateKey, secret: SECRET, logLevel: 'fatal' });
  const middleware = await createNodeMiddleware(noop, { probot, webhooksPath: '/api/github/webhooks' });
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/github/webhooks`, server };
}

const ferry = await startServer(
  {
    appId: 1,
    privateKey,
    webhookSecret: SECRET,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    webhookPath: '/api/github/webhooks',
    baseUrl: 'https://api.github.com',
  },
  noop,
);
const old = await probotMiddlewareServer();
const figures: Record<string, number> = {};
console.log(`${DELIVERIES} signed 30 MiB deliveries, RSS growth of the server process:`);
for (const chunked of [false, true]) {
  const how = chunked ? 'streamed, no Content-Length' : 'with Content-Length';
  const ours = await measure(`${ferry.url}/api/github/webhooks`, `ferry-${chunked}`, chunked);
  const theirs = await measure(old.url, `probot-${chunked}`, chunked);
  const ratio = Math.round((theirs.growthMiB / Math.max(ours.growthMiB, 0.1)) * 10) / 10;
  console.log(`  ${how}:`);
  console.log(`    ferry serve endpoint     ${ours.growthMiB} MiB  (answers ${ours.statuses.join(', ')})`);
  console.log(
    `    Probot middleware (old)  ${theirs.growthMiB} MiB  (answers ${theirs.statuses.join(', ')})`,
  );
  console.log(`    old / new                ${ratio}x`);
  const key = chunked ? 'streamed' : 'declared';
  Object.assign(figures, {
    [`${key}FerryMiB`]: ours.growthMiB,
    [`${key}ProbotMiB`]: theirs.growthMiB,
    [`${key}Ratio`]: ratio,
  });
}
await ferry.close();
old.server.close();
console.log(JSON.stringify({ bench: 'serve', ...figures }));
