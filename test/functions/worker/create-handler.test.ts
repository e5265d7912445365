import { generateKeyPairSync } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type ApplicationFunction, Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  formatClaimCheckDelivery,
  formatInlineDelivery,
} from '../../../functions/shared/delivery-envelope.ts';
import type { AppSecret } from '../../../functions/shared/ferry-secrets.ts';
import { createHandler, type WorkerDeps } from '../../../functions/worker/create-handler.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import { exampleOf } from '../helpers/github-examples.ts';
import { fifoRecord, sqsEvent } from '../helpers/sqs-event.ts';

const BUCKET = 'ferry-claim-check-123456789012';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const APP_SECRET: AppSecret = { appId: '123456', privateKey };

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo';
const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
let logs: CapturedLogs;

/** A fake Ferry app: records what it handles and throws for the ids in `failing`. */
function fakeApp(failing: string[] = []) {
  const handled: { id: string; name: string; payload: unknown }[] = [];
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async (context) => {
      if (failing.includes(context.id)) throw new Error(`engine failed on ${context.id}`);
      handled.push({ id: context.id, name: context.name, payload: context.payload });
    });
  };
  return { appFn, handled };
}

function worker(overrides: Partial<WorkerDeps> & Pick<WorkerDeps, 'appFn'>) {
  return createHandler({
    loadAppSecret: async () => APP_SECRET,
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: BUCKET,
    sqs: new SQSClient({ region: 'eu-west-1' }),
    queueUrl: QUEUE_URL,
    logger: logs.logger,
    probotLogLevel: 'fatal',
    ...overrides,
  });
}

function inline(id: string, groupId: string, name = 'push') {
  const payload = exampleOf(name);
  return fifoRecord({
    body: formatInlineDelivery({ id, name, rawPayload: JSON.stringify(payload) }),
    groupId,
    deduplicationId: id,
  });
}

function lambdaContext(remainingMs: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'Ferry-Worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Ferry-Worker',
    memoryLimitInMB: '2048',
    awsRequestId: '3f1c1f6a-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
    logGroupName: '/aws/lambda/Ferry-Worker',
    logStreamName: '2025/11/28/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  logs = captureLogs();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('worker handler', () => {
  it('runs the Probot app on every delivery of a batch, in order, and reports no failures', async () => {
    const app = fakeApp();
    const event = sqsEvent([inline('d-1', 'octo/a'), inline('d-2', 'octo/b'), inline('d-3', 'octo/a')]);
    const res = await worker({ appFn: app.appFn })(event);

    expect(res).toEqual({ batchItemFailures: [] });
    expect(app.handled.map((d) => [d.id, d.name])).toEqual([
      ['d-1', 'push'],
      ['d-2', 'push'],
      ['d-3', 'push'],
    ]);
    expect(app.handled[0]?.payload).toEqual(exampleOf('push'));
  });

  it('reports a failed delivery and the later ones of its repository, and runs the other repositories', async () => {
    // FIFO order per message group (repository): once d-2 fails, d-3 (same group, later) must not
    // run before d-2 succeeds on a retry, so it is reported failed too. d-4 belongs to another
    // repository and is handled. SQS redelivers exactly the reported ones; d-1 is not run again.
    const app = fakeApp(['d-2']);
    const event = sqsEvent([
      inline('d-1', 'octo/a'),
      inline('d-2', 'octo/a'),
      inline('d-3', 'octo/a'),
      inline('d-4', 'octo/b'),
    ]);
    const res = await worker({ appFn: app.appFn })(event);

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-2' }, { itemIdentifier: 'msg-d-3' }]);
    expect(app.handled.map((d) => d.id)).toEqual(['d-1', 'd-4']);
    const failure = logs.entries().find((e) => e.message === 'delivery failed');
    expect(failure).toMatchObject({ deliveryId: 'd-2', messageGroupId: 'octo/a', level: 'ERROR' });
  });

  it('reports every record when all fail, instead of throwing the batch away', async () => {
    const app = fakeApp(['d-1', 'd-2']);
    const res = await worker({ appFn: app.appFn })(
      sqsEvent([inline('d-1', 'octo/a'), inline('d-2', 'octo/b')]),
    );

    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-d-1', 'msg-d-2']);
  });

  it('fetches a claim-checked delivery from S3 and deletes it once handled', async () => {
    const payload = { ...exampleOf('push'), padding: 'x'.repeat(1024 * 1024) };
    const key = 'deliveries/big-1.json';
    s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).resolves({
      Body: { transformToString: async () => JSON.stringify(payload) } as never,
    });
    s3Mock.on(DeleteObjectCommand).resolves({});
    const app = fakeApp();
    const record = fifoRecord({
      body: formatClaimCheckDelivery({ id: 'big-1', name: 'push', s3: { bucket: BUCKET, key } }),
      groupId: 'octo/a',
      deduplicationId: 'big-1',
    });
    const res = await worker({ appFn: app.appFn })(sqsEvent([record]));

    expect(res.batchItemFailures).toEqual([]);
    expect(app.handled[0]).toEqual({ id: 'big-1', name: 'push', payload });
    expect(s3Mock.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: key },
    ]);
  });

  it('keeps a claim-checked body in S3 when its delivery fails, for the retry', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToString: async () => '{"ref":"x"}' } as never });
    const app = fakeApp(['big-2']);
    const record = fifoRecord({
      body: formatClaimCheckDelivery({
        id: 'big-2',
        name: 'push',
        s3: { bucket: BUCKET, key: 'deliveries/big-2.json' },
      }),
      groupId: 'octo/a',
      deduplicationId: 'big-2',
    });
    const res = await worker({ appFn: app.appFn })(sqsEvent([record]));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-big-2' }]);
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it.each([
    ['another bucket', { bucket: 'someone-elses-bucket', key: 'deliveries/x.json' }],
    ['a key outside deliveries/', { bucket: BUCKET, key: 'secrets/x.json' }],
  ])('refuses a claim check pointing to %s without calling S3, and drops it', async (_label, s3) => {
    const app = fakeApp();
    const record = fifoRecord({
      body: formatClaimCheckDelivery({ id: 'x', name: 'push', s3 }),
      groupId: 'g',
      deduplicationId: 'x',
    });
    const res = await worker({ appFn: app.appFn })(sqsEvent([record]));

    // No retry can make it point elsewhere: dropped with one line, not retried into the DLQ.
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.entries().find((e) => e.message === 'delivery dropped')).toMatchObject({
      deliveryId: 'x',
      reason: 'malformed-message',
    });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(app.handled).toHaveLength(0);
  });

  it('drops a message that is not a delivery envelope, without logging its body', async () => {
    const app = fakeApp();
    const record = fifoRecord({ body: 'not json: hunter2', groupId: 'g', deduplicationId: 'bad-1' });
    const res = await worker({ appFn: app.appFn })(sqsEvent([record, inline('d-9', 'g')]));

    // Its group goes on: d-9, later in the same group, runs.
    expect(res.batchItemFailures).toEqual([]);
    expect(app.handled.map((d) => d.id)).toEqual(['d-9']);
    expect(logs.entries().find((e) => e.message === 'delivery dropped')).toMatchObject({
      deliveryId: 'bad-1',
      reason: 'malformed-message',
    });
    expect(logs.text()).not.toContain('hunter2');
  });

  it('builds Probot once per cold start and retries a failed start on the next invocation', async () => {
    const loadAppSecret = vi
      .fn<() => Promise<AppSecret>>()
      .mockRejectedValueOnce(new Error('secret not set yet'))
      .mockResolvedValue(APP_SECRET);
    const createProbot = vi.fn(
      (secret: AppSecret) => new Probot({ ...secret, Octokit: ProbotOctokit, logLevel: 'fatal' }),
    );
    const app = fakeApp();
    const h = worker({ appFn: app.appFn, loadAppSecret, createProbot });

    const first = await h(sqsEvent([inline('d-1', 'octo/a')]));
    const second = await h(sqsEvent([inline('d-2', 'octo/a')]));
    const third = await h(sqsEvent([inline('d-3', 'octo/a')]));

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-1' }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(third.batchItemFailures).toEqual([]);
    expect(loadAppSecret).toHaveBeenCalledTimes(2);
    expect(createProbot).toHaveBeenCalledTimes(1);
    expect(app.handled.map((d) => d.id)).toEqual(['d-2', 'd-3']);
  });

  it('leaves deliveries for the next invocation when too little time remains to start them', async () => {
    const app = fakeApp();
    const h = worker({ appFn: app.appFn, deadlineReserveMs: 60_000 });
    const res = await h(sqsEvent([inline('d-1', 'octo/a'), inline('d-2', 'octo/b')]), lambdaContext(30_000));

    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-d-1', 'msg-d-2']);
    expect(app.handled).toHaveLength(0);
  });

  it('logs each delivery with its id and Lambda context, never its payload', async () => {
    const app = fakeApp();
    await worker({ appFn: app.appFn })(sqsEvent([inline('d-1', 'octo/a')]), lambdaContext(300_000));

    expect(logs.entries().find((e) => e.message === 'delivery handled')).toMatchObject({
      deliveryId: 'd-1',
      event: 'push',
      messageGroupId: 'octo/a',
      function_name: 'Ferry-Worker',
    });
    const commitMessage = (exampleOf('push').head_commit as { message: string }).message;
    expect(logs.text()).not.toContain(commitMessage);
  });
});
