/**
 * `ferry serve`'s webhook endpoint, in place of Probot's middleware: the body is counted while it
 * streams in and refused with 413 past GitHub's own 25 MB cap, before it is buffered in full,
 * verified or parsed; the signature is checked over the raw bytes before any parsing; a delivery
 * id seen recently is answered without running the App again.
 *
 * Probot's middleware reads any body in full and parses it (issue 10: a signed 30 MB body grew
 * memory by ~780 MB per request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Probot } from 'probot';
import { isValidSignature } from '../github/is-valid-signature.ts';
import type { DeliveryLog } from './delivery-log.ts';

/**
 * GitHub caps webhook payloads at 25 MB and does not send bigger ones
 * (https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap).
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface WebhookHandlerOptions {
  probot: Pick<Probot, 'receive'>;
  secret: string;
  path: string;
  deliveries: DeliveryLog;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  maxBytes?: number;
}

/** Same alphabets as the Lambda webhook accepts (functions/webhook/parse-delivery.ts). */
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

type Outcome = { status: number; message: string; close?: boolean };

/** Returns a request listener that answers `path`; it returns false for any other path. */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== options.path) return false;
    handle(options, req).then(
      (outcome) => send(req, res, outcome),
      (err: unknown) => {
        options.log.error({ err }, 'webhook handling failed');
        send(req, res, { status: 500, message: 'internal error' });
      },
    );
    return true;
  };
}

async function handle(options: WebhookHandlerOptions, req: IncomingMessage): Promise<Outcome> {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  if (req.method !== 'POST') return { status: 405, message: 'method not allowed' };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(options, maxBytes);
  const signature = header(req, 'x-hub-signature-256');
  if (!signature) {
    options.log.warn('webhook rejected: unsigned request');
    return { status: 401, message: 'missing X-Hub-Signature-256', close: true };
  }

  const body = await readBody(req, maxBytes);
  if (body === undefined) return tooLarge(options, maxBytes);
  // The same check as the Lambda webhook: HMAC over the raw bytes, compared in constant time.
  if (!isValidSignature({ secret: options.secret, rawBody: body, signature })) {
    options.log.warn('webhook rejected: signature does not match');
    return { status: 401, message: 'invalid signature' };
  }

  const id = header(req, 'x-github-delivery');
  const name = header(req, 'x-github-event');
  if (!id || !DELIVERY_ID.test(id)) return { status: 400, message: 'missing or malformed X-GitHub-Delivery' };
  if (!name || !EVENT_NAME.test(name)) return { status: 400, message: 'missing or malformed X-GitHub-Event' };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch (err) {
    void err;
    return { status: 400, message: 'body is not JSON' };
  }

  if (!options.deliveries.claim(id)) {
    options.log.info({ delivery: id, event: name }, 'duplicate delivery ignored');
    return { status: 200, message: 'duplicate delivery: already handled' };
  }
  try {
    await options.probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
  } catch (err) {
    // Not handled: a redelivery of this id must run again.
    options.deliveries.release(id);
    throw err;
  }
  return { status: 200, message: 'ok' };
}

function tooLarge(options: WebhookHandlerOptions, maxBytes: number): Outcome {
  options.log.warn({ maxBytes }, 'webhook rejected: body too large');
  return { status: 413, message: `body larger than ${maxBytes} bytes`, close: true };
}

/**
 * The body, or undefined as soon as more than `maxBytes` arrived: reading stops there and the
 * connection is closed after the 413, so the rest is never buffered.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** How long a refused body may keep streaming in (discarded) before the connection is cut. */
const DISCARD_MS = 10_000;

function send(req: IncomingMessage, res: ServerResponse, outcome: Outcome): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (outcome.status === 405) headers.allow = 'POST';
  res.writeHead(outcome.status, headers).end(JSON.stringify({ message: outcome.message }));
  if (!outcome.close || req.readableEnded) return;
  // A refused body is not kept: the rest is read and dropped (no buffer grows), and the
  // connection is cut if the client keeps sending. Closing at once would reset the socket before
  // the client reads the 413.
  const cut = setTimeout(() => req.destroy(), DISCARD_MS);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.resume();
}
