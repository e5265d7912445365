import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../functions/webhook/create-handler.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import {
  functionUrlEvent,
  githubDelivery,
  signatureOf,
  WEBHOOK_SECRET,
} from '../helpers/function-url-event.ts';
import { exampleOf } from '../helpers/github-examples.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo';
const BUCKET = 'ferry-claim-check-123456789012';
const DELIVERY_ID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

const sqsMock = mockClient(SQSClient);
const s3Mock = mockClient(S3Client);
let logs: CapturedLogs;
let loadWebhookSecret: ReturnType<typeof vi.fn<() => Promise<string>>>;

function handler() {
  return createHandler({
    sqs: new SQSClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    loadWebhookSecret,
    queueUrl: QUEUE_URL,
    bucket: BUCKET,
    logger: logs.logger,
  });
}

function sent() {
  return sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

beforeEach(() => {
  sqsMock.reset();
  s3Mock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1', SequenceNumber: '1' });
  s3Mock.on(PutObjectCommand).resolves({});
  logs = captureLogs();
  loadWebhookSecret = vi.fn(async () => WEBHOOK_SECRET);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('webhook handler: accepted deliveries', () => {
  it('queues a signed push with the repository as message group and the delivery id as dedup id', async () => {
    const payload = exampleOf('push');
    const res = await handler()(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));

    expect(res).toMatchObject({ statusCode: 202 });
    const [input, ...more] = sent();
    expect(more).toHaveLength(0);
    expect(input).toMatchObject({
      QueueUrl: QUEUE_URL,
      MessageGroupId: (payload.repository as { full_name: string }).full_name,
      MessageDeduplicationId: DELIVERY_ID,
    });
    expect(JSON.parse(input?.MessageBody ?? '')).toEqual({ id: DELIVERY_ID, name: 'push', payload });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('verifies and queues a base64-encoded body byte for byte', async () => {
    const payload = exampleOf('pull_request', 'opened');
    const res = await handler()(
      githubDelivery({ name: 'pull_request', id: DELIVERY_ID, payload, base64: true }),
    );

    expect(res).toMatchObject({ statusCode: 202 });
    expect(JSON.parse(sent()[0]?.MessageBody ?? '')).toEqual({
      id: DELIVERY_ID,
      name: 'pull_request',
      payload,
    });
  });

  it('gives a redelivery the same deduplication id, so SQS drops it within its window', async () => {
    const payload = exampleOf('push');
    const h = handler();
    await h(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));
    await h(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));

    const [first, second] = sent();
    expect(first?.MessageDeduplicationId).toBe(DELIVERY_ID);
    expect(second?.MessageDeduplicationId).toBe(first?.MessageDeduplicationId);
    expect(second?.MessageGroupId).toBe(first?.MessageGroupId);
  });

  it('answers the events and actions the App does not act on with 202 and queues nothing', async () => {
    // Subscribed to Check suite for `rerequested`, GitHub also sends `requested` and `completed` on
    // every push; an installation event concerns no repository Ferry previews or deploys.
    for (const [name, action] of [
      ['check_suite', 'completed'],
      ['check_suite', 'requested'],
      ['installation', 'created'],
      ['pull_request', 'closed'],
      ['issue_comment', 'deleted'],
      // Every check run of the repository completes here, CI's on every push: only live ones are read.
      ['check_run', 'completed'],
    ] as const) {
      const res = await handler()(
        githubDelivery({ name, id: DELIVERY_ID, payload: exampleOf(name, action) }),
      );
      expect(res).toMatchObject({ statusCode: 202 });
    }
    expect(sent()).toHaveLength(0);
    // What the App acts on is still queued: a re-run of the whole suite.
    await handler()(
      githubDelivery({
        name: 'check_suite',
        id: DELIVERY_ID,
        payload: exampleOf('check_suite', 'rerequested'),
      }),
    );
    // ... and a live preview's result.
    const live = exampleOf('check_run', 'completed');
    await handler()(
      githubDelivery({
        name: 'check_run',
        id: DELIVERY_ID,
        payload: { ...live, check_run: { ...(live.check_run as object), name: 'ferry/live: prod' } },
      }),
    );
    expect(sent()).toHaveLength(2);
  });

  it('answers ping with 200 and queues nothing', async () => {
    const res = await handler()(
      githubDelivery({ name: 'ping', id: DELIVERY_ID, payload: exampleOf('ping') }),
    );

    expect(res).toMatchObject({ statusCode: 200 });
    expect(sent()).toHaveLength(0);
  });

  it('puts a 10 MB delivery in S3 and queues only the claim check', async () => {
    const payload = { ...exampleOf('push'), padding: 'x'.repeat(10 * 1024 * 1024) };
    const event = githubDelivery({ name: 'push', id: DELIVERY_ID, payload });
    const res = await handler()(event);

    expect(res).toMatchObject({ statusCode: 202 });
    const [put, ...morePuts] = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(morePuts).toHaveLength(0);
    expect(put).toMatchObject({
      Bucket: BUCKET,
      Key: `deliveries/${DELIVERY_ID}.json`,
      ContentType: 'application/json',
    });
    expect(put?.Body).toBe(event.body);
    expect(Buffer.byteLength(put?.Body as string)).toBeGreaterThan(10 * 1024 * 1024);

    const [message] = sent();
    expect(message).toMatchObject({
      MessageGroupId: 'Codertocat/Hello-World',
      MessageDeduplicationId: DELIVERY_ID,
    });
    expect(JSON.parse(message?.MessageBody ?? '')).toEqual({
      id: DELIVERY_ID,
      name: 'push',
      s3: { bucket: BUCKET, key: `deliveries/${DELIVERY_ID}.json` },
    });
  });

  it('sends a body just under the SQS limit inline and one just over it through S3', async () => {
    const base = exampleOf('push');
    // Bytes of the queued body with an empty padding field, measured the way SQS counts (UTF-8).
    const envelopeBytes = (id: string, payload: unknown) =>
      Buffer.byteLength(JSON.stringify({ id, name: 'push', payload }));
    const sizeFor = (id: string, target: number) => ({
      ...base,
      padding: 'y'.repeat(target - envelopeBytes(id, { ...base, padding: '' })),
    });
    const limit = 256 * 1024 - 4 * 1024;
    const h = handler();
    await h(githubDelivery({ name: 'push', id: 'a-1', payload: sizeFor('a-1', limit) }));
    await h(githubDelivery({ name: 'push', id: 'a-2', payload: sizeFor('a-2', limit + 1) }));

    const [under, over] = sent();
    expect(Buffer.byteLength(under?.MessageBody ?? '')).toBe(limit);
    expect(JSON.parse(over?.MessageBody ?? '')).toHaveProperty('s3.key', 'deliveries/a-2.json');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('sends a body with characters SQS refuses through S3', async () => {
    const payload = { ...exampleOf('push'), odd: '\uFFFE' };
    await handler()(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));

    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(JSON.parse(sent()[0]?.MessageBody ?? '')).toHaveProperty('s3');
  });
});

describe('webhook handler: refused requests', () => {
  const payload = exampleOf('push');
  const body = JSON.stringify(payload);
  const headers = { 'x-github-event': 'push', 'x-github-delivery': DELIVERY_ID };

  it('refuses a request without X-Hub-Signature-256 with 401 before reading the secret', async () => {
    const res = await handler()(functionUrlEvent({ body, headers }));

    expect(res).toMatchObject({ statusCode: 401 });
    expect(loadWebhookSecret).not.toHaveBeenCalled();
    expect(sent()).toHaveLength(0);
  });

  it('refuses a delivery signed with another secret with 401', async () => {
    const res = await handler()(
      githubDelivery({ name: 'push', id: DELIVERY_ID, payload, secret: 'not-ours' }),
    );

    expect(res).toMatchObject({ statusCode: 401 });
    expect(sent()).toHaveLength(0);
  });

  it('refuses a body changed after signing with 401', async () => {
    const event = githubDelivery({ name: 'push', id: DELIVERY_ID, payload });
    event.body = (event.body ?? '').replace('Hello-World', 'Hello-Mallory');
    const res = await handler()(event);

    expect(res).toMatchObject({ statusCode: 401 });
    expect(sent()).toHaveLength(0);
  });

  it.each([
    ['a sha1 signature', `sha1=${'0'.repeat(40)}`],
    ['no sha256= prefix', signatureOf(body).slice('sha256='.length)],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`],
    ['a truncated digest', signatureOf(body).slice(0, -2)],
    ['an over-long digest', `${signatureOf(body)}00`],
    ['an empty header', ''],
  ])('refuses a signature with %s with 401', async (_label, signature) => {
    const res = await handler()(
      functionUrlEvent({ body, headers: { ...headers, 'x-hub-signature-256': signature } }),
    );

    expect(res).toMatchObject({ statusCode: 401 });
    expect(sent()).toHaveLength(0);
  });

  it.each([
    ['X-GitHub-Event is missing', { 'x-github-delivery': DELIVERY_ID }, body],
    ['X-GitHub-Delivery is missing', { 'x-github-event': 'push' }, body],
    [
      'X-GitHub-Delivery has characters a dedup id cannot carry',
      { ...headers, 'x-github-delivery': '../../etc' },
      body,
    ],
    ['the body is not JSON', headers, 'payload=%7B%7D'],
    ['the body is a JSON array', headers, '[1,2]'],
  ])('answers 400 when %s, even when signed', async (_label, hdrs, rawBody) => {
    const event = functionUrlEvent({
      body: rawBody,
      headers: { ...hdrs, 'x-hub-signature-256': signatureOf(rawBody) },
    });
    const res = await handler()(event);

    expect(res).toMatchObject({ statusCode: 400 });
    expect(sent()).toHaveLength(0);
  });

  it('answers 405 to anything but POST', async () => {
    const res = await handler()(functionUrlEvent({ method: 'GET' }));

    expect(res).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
  });
});

describe('webhook handler: failures and logs', () => {
  const payload = exampleOf('push');

  it('answers 500 when SQS refuses the message, logging one line without the payload', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('AWS.SimpleQueueService.NonExistentQueue'));
    const res = await handler()(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));

    expect(res).toMatchObject({ statusCode: 500 });
    const errors = logs.entries().filter((e) => e.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ deliveryId: DELIVERY_ID, message: 'delivery not accepted' });
    expect(logs.text()).not.toContain('Codertocat/Hello-World"');
    expect(logs.text()).not.toContain((payload.head_commit as { message: string }).message);
  });

  it('answers 500 when the secret cannot be read', async () => {
    loadWebhookSecret.mockRejectedValue(new Error('AccessDeniedException'));
    const res = await handler()(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));

    expect(res).toMatchObject({ statusCode: 500 });
    expect(sent()).toHaveLength(0);
  });

  it('logs JSON lines keyed by delivery id and never the secret or the payload', async () => {
    const h = handler();
    await h(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));
    await h(githubDelivery({ name: 'push', id: 'forged-1', payload, secret: 'not-ours' }));

    const entries = logs.entries();
    expect(entries.find((e) => e.message === 'delivery queued')).toMatchObject({
      deliveryId: DELIVERY_ID,
      event: 'push',
      messageGroupId: 'Codertocat/Hello-World',
      claimCheck: false,
    });
    expect(entries.find((e) => e.message === 'rejected: signature does not match')).toMatchObject({
      deliveryId: 'forged-1',
    });
    expect(logs.text()).not.toContain(WEBHOOK_SECRET);
    expect(logs.text()).not.toContain((payload.head_commit as { message: string }).message);
  });

  it('does not carry one delivery id into the next invocation', async () => {
    const h = handler();
    await h(githubDelivery({ name: 'push', id: DELIVERY_ID, payload }));
    await h(functionUrlEvent({ method: 'GET' }));
    await h(functionUrlEvent({ body: '{}' }));

    const unsigned = logs.entries().find((e) => e.message === 'rejected: unsigned request');
    expect(unsigned).toBeDefined();
    expect(unsigned).not.toHaveProperty('deliveryId');
  });
});
