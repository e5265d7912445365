/**
 * What the worker does when a delivery fails, driven through the real Ferry App against the fake
 * GitHub (requests checked against GitHub's OpenAPI description): a failure no retry can fix is
 * dropped with one line saying what to fix, and its repository's later events go on; any other is
 * retried after a bounded delay set on the queue, the records held back behind it with it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatInlineDelivery } from '../../../functions/shared/delivery-envelope.ts';
import { createHandler } from '../../../functions/worker/create-handler.ts';
import { createFerryApp } from '../../../src/github/ferry-app.ts';
import { loadPayload, SHAS, testPrivateKey } from '../../helpers/github/app-harness.ts';
import { FakeGitHub, type FakeResponse } from '../../helpers/github/fake-github.ts';
import { setupPull } from '../../helpers/github/scenario.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import { fifoRecord, sqsEvent } from '../helpers/sqs-event.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo';
const REPO = 'acme/ml-platform';
const sqsMock = mockClient(SQSClient);

let gh: FakeGitHub;
let unmount: () => void;
let logs: CapturedLogs;

beforeEach(() => {
  gh = new FakeGitHub();
  unmount = gh.mountOnNock().unmount;
  setupPull(gh);
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  logs = captureLogs();
});

afterEach(() => unmount());

function worker() {
  return createHandler({
    appFn: createFerryApp({ now: () => new Date('2025-01-01T12:00:00Z') }),
    loadAppSecret: async () => ({ appId: '12345', privateKey: testPrivateKey() }),
    s3: new S3Client({ region: 'eu-west-1' }),
    bucket: 'ferry-claim-check',
    sqs: new SQSClient({ region: 'eu-west-1' }),
    queueUrl: QUEUE_URL,
    logger: logs.logger,
    now: () => Date.parse('2025-01-01T12:00:00Z'),
    // Octokit's own retries off: what the worker decides is under test, not the client's retries.
    createProbot: (secret) =>
      new Probot({
        appId: secret.appId,
        privateKey: secret.privateKey,
        log: pino({ level: 'silent' }),
        Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
          ...options,
          retry: { enabled: false },
          throttle: { enabled: false },
        })),
      }),
  });
}

/** PR #42 opened: the preview asks for a token, reads .github, lists and creates the check run. */
function opened(id: string, receiveCount = 1, groupId = REPO): SQSRecord {
  const body = formatInlineDelivery({
    id,
    name: 'pull_request',
    rawPayload: JSON.stringify(loadPayload('pull_request.opened')),
  });
  return fifoRecord({ body, groupId, deduplicationId: id, receiveCount });
}

/** A later event of the same repository that needs no GitHub call (a title edit). */
function edited(id: string, groupId = REPO): SQSRecord {
  const payload = { ...loadPayload('pull_request.opened'), action: 'edited', changes: {} };
  const body = formatInlineDelivery({ id, name: 'pull_request', rawPayload: JSON.stringify(payload) });
  return fifoRecord({ body, groupId, deduplicationId: id });
}

function logLines(message: string) {
  return logs.entries().filter((e) => e.message === message);
}

function visibilityEntries() {
  return sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input);
}

const github = (status: number, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  body: { message, documentation_url: 'https://docs.github.com/rest' },
  ...(headers ? { headers } : {}),
});

describe('worker: failures no retry can fix', () => {
  it.each([
    [
      'the installation is gone (token 404)',
      'apps/create-installation-access-token',
      github(404, 'Not Found'),
      'installation-gone',
      'reinstall',
    ],
    [
      'the installation is suspended (token 403)',
      'apps/create-installation-access-token',
      github(403, 'This installation has been suspended'),
      'installation-suspended',
      'unsuspend it',
    ],
    [
      "the App's credentials are wrong (401 on the JWT)",
      'apps/create-installation-access-token',
      github(401, 'A JSON web token could not be decoded'),
      'app-credentials',
      'App secret',
    ],
    [
      'the App lacks a permission (403 not accessible by integration)',
      'checks/create',
      github(403, 'Resource not accessible by integration'),
      'permission-missing',
      'docs/github-app.md',
    ],
  ])(
    'drops the delivery when %s, says what to fix, and runs the repository’s next event',
    async (_label, operation, answer, reason, fix) => {
      gh.failures.set(operation, answer);
      const first = opened('d-1');
      const res = await worker()(sqsEvent([first, edited('d-2')]));

      expect(res.batchItemFailures).toEqual([]);
      const dropped = logLines('delivery dropped');
      expect(dropped).toHaveLength(1);
      expect(dropped[0]).toMatchObject({
        level: 'ERROR',
        deliveryId: 'd-1',
        repository: REPO,
        event: 'pull_request',
        status: answer.status,
        reason,
      });
      expect(dropped[0]?.fix).toContain(fix);
      expect(logLines('delivery handled').map((e) => e.deliveryId)).toEqual(['d-2']);
      expect(visibilityEntries()).toEqual([]);
      expect(gh.requestsFor(operation).map((r) => r.status)).toEqual([answer.status]);
    },
  );
});

describe('worker: failures a retry may fix', () => {
  it('retries a first 422 on a just-pushed commit after 10 s, with the events held behind it, and drops a second', async () => {
    const missing = github(422, `No commit found for SHA: ${SHAS.head}`);
    gh.failures.set('checks/create', missing);
    const first = opened('d-1');
    const held = edited('d-2');
    const res = await worker()(sqsEvent([first, held]));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-1' }, { itemIdentifier: 'msg-d-2' }]);
    expect(visibilityEntries()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '0', ReceiptHandle: first.receiptHandle, VisibilityTimeout: 10 },
          { Id: '1', ReceiptHandle: held.receiptHandle, VisibilityTimeout: 10 },
        ],
      },
    ]);
    expect(logLines('delivery failed')[0]).toMatchObject({
      deliveryId: 'd-1',
      status: 422,
      retryInSeconds: 10,
    });

    gh.failures.set('checks/create', missing);
    const again = await worker()(sqsEvent([opened('d-1', 2), edited('d-2')]));
    expect(again.batchItemFailures).toEqual([]);
    expect(logLines('delivery dropped')[0]).toMatchObject({
      deliveryId: 'd-1',
      status: 422,
      reason: 'missing-on-github',
    });
  });

  it('retries a GitHub 5xx with a growing delay, holding back only its own repository', async () => {
    gh.failures.set('checks/create', github(503, 'Service Unavailable'));
    const first = opened('d-1', 2);
    const held = edited('d-2');
    const res = await worker()(sqsEvent([first, held, edited('d-3', 'acme/other')]));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-1' }, { itemIdentifier: 'msg-d-2' }]);
    expect(visibilityEntries()[0]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: first.receiptHandle, VisibilityTimeout: 90 },
      { Id: '1', ReceiptHandle: held.receiptHandle, VisibilityTimeout: 90 },
    ]);
    expect(logLines('delivery handled').map((e) => e.deliveryId)).toEqual(['d-3']);
    expect(logLines('delivery dropped')).toEqual([]);
  });

  it('waits out a secondary rate limit for as long as GitHub says', async () => {
    gh.failures.set(
      'checks/create',
      github(403, 'You have exceeded a secondary rate limit', { 'retry-after': '120' }),
    );
    const first = opened('d-1');
    const res = await worker()(sqsEvent([first]));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-1' }]);
    expect(visibilityEntries()[0]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: first.receiptHandle, VisibilityTimeout: 120 },
    ]);
  });

  it('still reports the failure when the retry delay cannot be set (the queue timeout applies)', async () => {
    sqsMock.on(ChangeMessageVisibilityBatchCommand).rejects(new Error('AccessDenied'));
    gh.failures.set('checks/create', github(502, 'Bad Gateway'));
    const res = await worker()(sqsEvent([opened('d-1')]));

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'msg-d-1' }]);
    expect(logLines('retry delays not set: the queue visibility timeout applies')).toHaveLength(1);
  });
});
