/**
 * The webhook function: GitHub's POST → verified → on the FIFO queue → 202, well inside GitHub's
 * 10-second delivery timeout (https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#respond-within-10-seconds).
 * No Probot and no engine here: the function stays small and starts fast.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { isHandledEvent } from '../../src/github/handled-events.ts';
import { isValidSignature } from '../../src/github/is-valid-signature.ts';
import type { FunctionLogger } from '../shared/create-logger.ts';
import { enqueueDelivery } from './enqueue-delivery.ts';
import { parseDelivery } from './parse-delivery.ts';
import { readRawBody } from './read-raw-body.ts';

export interface WebhookDeps {
  sqs: Pick<SQSClient, 'send'>;
  s3: Pick<S3Client, 'send'>;
  /** Resolves the webhook secret (memoised per cold start by `createSecretLoader`). */
  loadWebhookSecret: () => Promise<string>;
  queueUrl: string;
  /** Claim-check bucket for deliveries too big for one SQS message. */
  bucket: string;
  logger: FunctionLogger;
  /** Override of the inline size limit (tests). */
  maxInlineBytes?: number;
}

export type WebhookHandler = (
  event: LambdaFunctionURLEvent,
  context?: Context,
) => Promise<LambdaFunctionURLResult>;

type Result = Exclude<LambdaFunctionURLResult, string>;

function reply(statusCode: number, message: string, headers: Record<string, string> = {}): Result {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ message }),
  };
}

/** Longest delivery id we echo into a log key before validation (the header is not signed). */
const MAX_LOGGED_ID = 128;

export function createHandler(deps: WebhookDeps): WebhookHandler {
  const { logger } = deps;
  return async (event, context) => {
    if (context) logger.addContext(context);
    const claimedId = event.headers?.['x-github-delivery'];
    if (claimedId) logger.appendKeys({ deliveryId: claimedId.slice(0, MAX_LOGGED_ID) });
    try {
      return await handle(deps, event);
    } catch (err) {
      // Our bug or an AWS failure: one log line, a bare 500. GitHub shows it under "Recent
      // Deliveries", from where the delivery can be redelivered.
      logger.error('delivery not accepted', { error: err as Error });
      return reply(500, 'internal error');
    } finally {
      logger.resetKeys();
    }
  };
}

async function handle(deps: WebhookDeps, event: LambdaFunctionURLEvent): Promise<Result> {
  const { logger } = deps;
  const method = event.requestContext?.http?.method;
  if (method !== 'POST') return reply(405, 'method not allowed', { allow: 'POST' });

  const headers = event.headers ?? {};
  const signature = headers['x-hub-signature-256'];
  if (signature === undefined || signature === '') {
    logger.warn('rejected: unsigned request');
    return reply(401, 'missing X-Hub-Signature-256');
  }
  const rawBody = readRawBody(event);
  const secret = await deps.loadWebhookSecret();
  if (!isValidSignature({ secret, rawBody, signature })) {
    logger.warn('rejected: signature does not match');
    return reply(401, 'invalid signature');
  }

  const parsed = parseDelivery({ headers, rawBody });
  if (!parsed.ok) {
    logger.warn('rejected: malformed delivery', { reason: parsed.reason });
    return reply(400, parsed.reason);
  }
  const { delivery } = parsed;
  logger.appendKeys({ deliveryId: delivery.id, event: delivery.name });

  // GitHub sends `ping` when the webhook is set up; nothing in Ferry acts on it, so it is
  // answered here and not queued.
  if (delivery.name === 'ping') {
    logger.info('ping answered');
    return reply(200, 'pong');
  }
  // Nor is an event or action the App does not act on: queued, it would only wait in the
  // repository's FIFO group ahead of the merges and previews behind it.
  if (!isHandledEvent(delivery.name, delivery.payload)) {
    logger.info('delivery not queued: the App does not act on it');
    return reply(202, 'ignored');
  }

  const result = await enqueueDelivery({
    sqs: deps.sqs,
    s3: deps.s3,
    queueUrl: deps.queueUrl,
    bucket: deps.bucket,
    delivery,
    ...(deps.maxInlineBytes === undefined ? {} : { maxInlineBytes: deps.maxInlineBytes }),
  });
  logger.info('delivery queued', {
    messageGroupId: result.messageGroupId,
    bytes: rawBody.length,
    claimCheck: result.claimCheckKey !== undefined,
  });
  return reply(202, 'accepted');
}
