import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInlineDelivery } from '../../functions/shared/delivery-envelope.ts';
import { functionUrlEvent, githubDelivery, WEBHOOK_SECRET } from '../functions/helpers/function-url-event.ts';
import { exampleOf } from '../functions/helpers/github-examples.ts';
import { fifoRecord, sqsEvent } from '../functions/helpers/sqs-event.ts';
import { type FakeAws, startFakeAws } from './fake-aws.ts';
import { synthStack } from './synth-stack.ts';

/**
 * The one test that bundles for real (local esbuild, no Docker), then runs each bundle in a fresh
 * Node process with the environment the stack sets. Its AWS calls go to a local fake through the
 * SDK's endpoint override (AWS_ENDPOINT_URL), never to AWS.
 */
const { template, app } = synthStack({ bundle: true, context: { 'aws:cdk:enable-asset-metadata': true } });

const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Ferry-WebhookSecret-AbCdEf';
const APP_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Ferry-AppSecret-AbCdEf';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws({
    [WEBHOOK_SECRET_ARN]: WEBHOOK_SECRET,
    [APP_SECRET_ARN]: JSON.stringify({ appId: '123456', privateKey }),
  });
});
afterAll(() => aws.close());

function bundleDirOf(service: string): string {
  const fns = template.findResources('AWS::Lambda::Function');
  const fn = Object.values(fns).find(
    (r) => r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === service,
  ) as {
    Metadata: Record<string, string>;
  };
  return join(app.outdir, fn.Metadata['aws:asset:path'] as string);
}

/**
 * Runs `script` (an ES module) in a new Node process started with `flags`, with the environment the
 * stack sets plus `env`, and returns what it printed. Asynchronous, so the fake AWS in this process
 * can answer meanwhile.
 */
async function runNode(
  dir: string,
  script: string,
  env: Record<string, string>,
  flags: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      FERRY_PROBOT_LOG_LEVEL: 'fatal',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** Imports the bundle in a new process, calls `handler` with each event in turn and returns the results. */
async function invokeBundle(dir: string, env: Record<string, string>, events: unknown[]): Promise<unknown[]> {
  const url = pathToFileURL(join(dir, 'index.mjs')).href;
  const script = `const { handler } = await import(${JSON.stringify(url)});
    const results = [];
    for (const event of ${JSON.stringify(events)}) results.push(await handler(event));
    process.stdout.write(JSON.stringify(results));`;
  const { code, stdout, stderr } = await runNode(dir, script, env, ['--no-warnings']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as unknown[];
}

describe('function bundles', () => {
  it('bundles the webhook into one ESM file under 1 MB that verifies and queues a delivery', async () => {
    const dir = bundleDirOf('ferry-webhook');
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(1024 * 1024);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(false);

    const payload = exampleOf('push');
    // The SQS client sends to the QueueUrl's host, so the queue "lives" on the fake.
    const queueUrl = `${aws.endpoint}/123456789012/Ferry-Deliveries.fifo`;
    const results = await invokeBundle(
      dir,
      {
        FERRY_WEBHOOK_SECRET_ID: WEBHOOK_SECRET_ARN,
        FERRY_QUEUE_URL: queueUrl,
        FERRY_BUCKET: 'ferry-claims',
      },
      [
        functionUrlEvent({ method: 'GET' }),
        githubDelivery({ name: 'push', id: 'bundle-1', payload, secret: 'forged' }),
        githubDelivery({ name: 'push', id: 'bundle-2', payload }),
      ],
    );

    expect(results.map((r) => (r as { statusCode: number }).statusCode)).toEqual([405, 401, 202]);
    expect(aws.sent).toHaveLength(1);
    expect(aws.sent[0]).toMatchObject({
      QueueUrl: queueUrl,
      MessageGroupId: 'Codertocat/Hello-World',
      MessageDeduplicationId: 'bundle-2',
    });
  });

  it("bundles the userland punycode, not Node's deprecated built-in (a DEP0040 warning on Node 22 and later)", () => {
    const worker = readFileSync(join(bundleDirOf('ferry-worker'), 'index.mjs'), 'utf8');
    // Minified, the built-in is loaded as `<name>("punycode")` or imported `from"punycode"`.
    expect(worker).not.toMatch(/\(["']punycode["']\)|from ?["']punycode["']/);
  });

  it("the worker bundle drops url.parse's DEP0169 (its Kubernetes client's) and no other warning", async () => {
    const dir = bundleDirOf('ferry-worker');
    const url = pathToFileURL(join(dir, 'index.mjs')).href;
    const script = `await import(${JSON.stringify(url)});
      process.emitWarning('url.parse() is deprecated', 'DeprecationWarning', 'DEP0169');
      process.emitWarning('another one', 'DeprecationWarning', 'DEP0001');`;
    const { code, stderr } = await runNode(
      dir,
      script,
      {
        FERRY_APP_SECRET_ID: APP_SECRET_ARN,
        FERRY_BUCKET: 'ferry-claims',
        FERRY_QUEUE_URL: `${aws.endpoint}/123456789012/Ferry-Deliveries.fifo`,
      },
      [],
    );
    expect(code).toBe(0);
    expect(stderr).toContain('DEP0001');
    expect(stderr).not.toContain('DEP0169');
  });

  it('bundles the worker with a source map, and it runs Probot on a delivery', async () => {
    const dir = bundleDirOf('ferry-worker');
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);

    // `watch` (a star): an event Ferry does not act on, so the run needs no GitHub.
    const payload = exampleOf('watch');
    const record = fifoRecord({
      body: formatInlineDelivery({ id: 'bundle-3', name: 'watch', rawPayload: JSON.stringify(payload) }),
      groupId: 'Codertocat/Hello-World',
      deduplicationId: 'bundle-3',
    });
    const results = await invokeBundle(
      dir,
      {
        FERRY_APP_SECRET_ID: APP_SECRET_ARN,
        FERRY_BUCKET: 'ferry-claims',
        FERRY_QUEUE_URL: `${aws.endpoint}/123456789012/Ferry-Deliveries.fifo`,
      },
      [sqsEvent([]), sqsEvent([record])],
    );

    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  });
});
