/**
 * The worker on GitHub Enterprise Server: GHE_HOST from the stack reaches the Probot client, every API
 * call goes to `https://<host>/api/v3` (nock serves only that host: a call to api.github.com would fail
 * the test), and the links the App writes point at the server's web UI.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatInlineDelivery } from '../../../functions/shared/delivery-envelope.ts';
import { loadFunctionConfig } from '../../../functions/shared/load-function-config.ts';
import { createHandler } from '../../../functions/worker/create-handler.ts';
import { workerConfigSchema } from '../../../functions/worker/worker-config.ts';
import { createFerryApp } from '../../../src/github/ferry-app.ts';
import { loadPayload, SHAS, testPrivateKey } from '../../helpers/github/app-harness.ts';
import { FakeGitHub } from '../../helpers/github/fake-github.ts';
import { setupPull } from '../../helpers/github/scenario.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { fifoRecord, sqsEvent } from '../helpers/sqs-event.ts';

const ENV = {
  FERRY_APP_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry-app',
  FERRY_BUCKET: 'ferry-claim-check',
  FERRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo',
};

/** A webhook payload as GHES sends it: its URLs on the server's host. */
function ghesPayload(name: string, host: string): unknown {
  return JSON.parse(
    JSON.stringify(loadPayload(name))
      .replaceAll('https://api.github.com', `https://${host}/api/v3`)
      .replaceAll('https://github.com', `https://${host}`),
  );
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe('worker on GitHub Enterprise Server', () => {
  it('reads GHE_HOST and GHE_PROTOCOL into the REST API root, and refuses a protocol without a host', () => {
    expect(loadFunctionConfig(workerConfigSchema, { ...ENV, GHE_HOST: 'github.example.com' }).baseUrl).toBe(
      'https://github.example.com/api/v3',
    );
    expect(
      loadFunctionConfig(workerConfigSchema, { ...ENV, GHE_HOST: 'ghe.internal:8080', GHE_PROTOCOL: 'http' })
        .baseUrl,
    ).toBe('http://ghe.internal:8080/api/v3');
    expect(loadFunctionConfig(workerConfigSchema, ENV).baseUrl).toBeUndefined();
    expect(() => loadFunctionConfig(workerConfigSchema, { ...ENV, GHE_PROTOCOL: 'https' })).toThrow(
      /GHE_PROTOCOL: is set but GHE_HOST is not/,
    );
    expect(() =>
      loadFunctionConfig(workerConfigSchema, { ...ENV, GHE_HOST: 'https://github.example.com' }),
    ).toThrow(/GHE_HOST: must be a host name/);
  });

  it('calls https://HOST/api/v3 for a pull request and links the comment to the GHES host', async () => {
    const host = 'github.example.com';
    const config = loadFunctionConfig(workerConfigSchema, { ...ENV, GHE_HOST: host });
    const gh = new FakeGitHub();
    gh.apiUrl = config.baseUrl as string;
    gh.codeloadUrl = `https://${host}/_codeload`;
    unmount = gh.mountOnNock().unmount;
    setupPull(gh);

    const handler = createHandler({
      appFn: createFerryApp({ now: () => new Date('2025-01-01T12:00:00Z') }),
      loadAppSecret: async () => ({ appId: '12345', privateKey: testPrivateKey() }),
      s3: new S3Client({ region: 'eu-west-1' }),
      bucket: ENV.FERRY_BUCKET,
      sqs: new SQSClient({ region: 'eu-west-1' }),
      queueUrl: config.queueUrl,
      logger: captureLogs().logger,
      probotLogLevel: 'fatal',
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    });
    const body = formatInlineDelivery({
      id: 'ghes-1',
      name: 'pull_request',
      rawPayload: JSON.stringify(ghesPayload('pull_request.opened', host)),
    });
    const res = await handler(
      sqsEvent([fifoRecord({ body, groupId: 'acme/ml-platform', deduplicationId: 'ghes-1' })]),
    );

    expect(res).toEqual({ batchItemFailures: [] });
    gh.assertClean();
    const api = gh.requests.filter((r) => r.operationId !== 'codeload');
    expect(api.length).toBeGreaterThan(5);
    expect(new Set(api.map((r) => r.origin))).toEqual(new Set([`https://${host}`]));
    expect(gh.requestsFor('issues/create-comment')).toHaveLength(1);
    const comment = gh.commentsOn(42)[0]?.body ?? '';
    expect(comment).toContain(`(https://${host}/acme/ml-platform/commit/${SHAS.head})`);
    expect(comment).not.toContain('https://github.com/');
  });
});
