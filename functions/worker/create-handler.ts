/**
 * The worker function: SQS FIFO batches → Probot. Each record is one GitHub delivery; failures are
 * reported per record (ReportBatchItemFailures) so a bad delivery is retried alone and, after the
 * queue's maxReceiveCount, parked in the dead-letter queue.
 *
 * Order: records are handled one after another (SqsFifoPartialProcessorAsync). When one fails, the
 * later records *of the same message group* (the same repository) are reported failed without
 * being run, so a repository's events are never handled out of order; other repositories' records
 * in the batch go on (`skipGroupOnError`).
 *
 * Failures are classified (classify-failure.ts). One that no attempt can fix (installation gone or
 * suspended, a permission the App lacks, App credentials refused, a commit that is no longer there)
 * is dropped: one `delivery dropped` line saying what the operator must fix, and the record is
 * reported handled so its repository's later events go on. Any other is retried after a bounded
 * delay set with ChangeMessageVisibility, and the records held back behind it wait as long, so the
 * group comes back together in seconds or minutes rather than after the queue's 30-minute timeout.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type ApplicationFunction, Probot, ProbotOctokit } from 'probot';
import type { FunctionLogger } from '../shared/create-logger.ts';
import type { AppSecret } from '../shared/ferry-secrets.ts';
import { classifyFailure } from './classify-failure.ts';
import { DeadlineError } from './deadline-error.ts';
import { loadDelivery } from './load-delivery.ts';
import { type RetryDelay, setRetryDelays } from './set-retry-delays.ts';

export { DeadlineError };

export interface WorkerDeps {
  /** The Probot app (src/github/ferry-app.ts in production; a fake in tests). */
  appFn: ApplicationFunction;
  /** Resolves the App secret (memoised per cold start by `createSecretLoader`). */
  loadAppSecret: () => Promise<AppSecret>;
  s3: Pick<S3Client, 'send'>;
  /** Claim-check bucket. */
  bucket: string;
  /** The delivery queue, whose failed records get their retry delay (ChangeMessageVisibility). */
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  /** The clock, for rate-limit reset times. */
  now?: () => number;
  logger: FunctionLogger;
  /** Builds the Probot instance; the default is a real Probot with JSON logs. */
  createProbot?: (secret: AppSecret) => Probot;
  /**
   * A record is not started when less than this remains before the function's timeout: it is
   * reported failed and retried, instead of the whole batch timing out and coming back.
   */
  deadlineReserveMs?: number;
  probotLogLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** GitHub Enterprise Server's REST API root (`https://<host>/api/v3`); undefined for github.com. */
  baseUrl?: string;
}

export type WorkerHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

const DEFAULT_DEADLINE_RESERVE_MS = 60_000;

export function createHandler(deps: WorkerDeps): WorkerHandler {
  const { logger } = deps;
  const reserveMs = deps.deadlineReserveMs ?? DEFAULT_DEADLINE_RESERVE_MS;
  const now = deps.now ?? Date.now;
  const createProbot =
    deps.createProbot ??
    ((secret: AppSecret) =>
      new Probot({
        appId: secret.appId,
        privateKey: secret.privateKey,
        Octokit: ProbotOctokit,
        ...(deps.baseUrl ? { baseUrl: deps.baseUrl } : {}),
        logFormat: 'json',
        logLevel: deps.probotLogLevel ?? 'info',
        logLevelInString: true,
        // Same key as Powertools, so both kinds of lines read alike in CloudWatch.
        logMessageKey: 'message',
      }));

  // One Probot per cold start; a failed start (e.g. the secret is not set yet) is retried next time.
  let probot: Promise<Probot> | undefined;
  const getProbot = (): Promise<Probot> => {
    probot ??= (async () => {
      const instance = createProbot(await deps.loadAppSecret());
      await instance.load(deps.appFn);
      return instance;
    })().catch((err: unknown) => {
      probot = undefined;
      throw err;
    });
    return probot;
  };

  const processor = new SqsFifoPartialProcessorAsync();

  return async (event, context) => {
    if (context) logger.addContext(context);
    // Per invocation: the retry delay of each failed record, and of each group a failure holds back.
    const delays = new Map<string, number>();
    const groupDelays = new Map<string, number>();
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const deliveryId = record.attributes.MessageDeduplicationId ?? record.messageId;
      const groupId = record.attributes.MessageGroupId;
      logger.appendKeys({ deliveryId, messageGroupId: groupId });
      try {
        await handleRecord(record, context);
      } catch (err) {
        const decision = classifyFailure({
          error: err,
          receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
          nowMs: now(),
        });
        if (decision.action === 'drop') {
          // Reported handled: SQS deletes it and the repository's later events go on.
          logger.error('delivery dropped', {
            error: err as Error,
            messageId: record.messageId,
            reason: decision.reason,
            status: decision.status,
            fix: decision.fix,
          });
          return;
        }
        delays.set(record.messageId, decision.delaySeconds);
        if (groupId && !groupDelays.has(groupId)) groupDelays.set(groupId, decision.delaySeconds);
        logger.error('delivery failed', {
          error: err as Error,
          messageId: record.messageId,
          status: decision.status,
          retryInSeconds: decision.delaySeconds,
        });
        throw err;
      } finally {
        logger.removeKeys(['deliveryId', 'messageGroupId', 'event', 'repository']);
      }
    };

    const handleRecord = async (record: SQSRecord, ctx: Context | undefined): Promise<void> => {
      if (ctx && ctx.getRemainingTimeInMillis() < reserveMs) {
        throw new DeadlineError(`less than ${reserveMs} ms left: delivery left for the next invocation`);
      }
      const app = await getProbot();
      const delivery = await loadDelivery({
        body: record.body,
        messageId: record.messageId,
        s3: deps.s3,
        bucket: deps.bucket,
      });
      logger.appendKeys({
        deliveryId: delivery.envelope.id,
        event: delivery.envelope.name,
        repository: repositoryOf(delivery.envelope.payload),
      });
      await app.receive(delivery.envelope as Parameters<Probot['receive']>[0]);
      logger.info('delivery handled');
      try {
        await delivery.release();
      } catch (err) {
        // Handled already: failing the record would run it again. The bucket's lifecycle rule
        // removes the leftover body within a day.
        logger.warn('claim-checked body not deleted', { error: err as Error });
      }
    };

    try {
      const response = await processPartialResponse(event, recordHandler, processor, {
        ...(context ? { context } : {}),
        skipGroupOnError: true,
        // A batch where every record failed is reported like any other, record by record.
        throwOnFullBatchFailure: false,
      });
      await setRetryDelays({
        sqs: deps.sqs,
        queueUrl: deps.queueUrl,
        delays: retryDelaysOf({ event, response, delays, groupDelays }),
        logger,
      });
      return response;
    } finally {
      logger.resetKeys();
    }
  };
}

/**
 * The delay of each reported record: its own failure's, or, for a record held back behind a failed
 * one of its group, that failure's, so the group comes back whole and in order.
 */
function retryDelaysOf(options: {
  event: SQSEvent;
  response: SQSBatchResponse;
  delays: Map<string, number>;
  groupDelays: Map<string, number>;
}): RetryDelay[] {
  const failed = new Set(options.response.batchItemFailures.map((f) => f.itemIdentifier));
  return options.event.Records.flatMap((record) => {
    if (!failed.has(record.messageId)) return [];
    const group = record.attributes.MessageGroupId;
    const delaySeconds =
      options.delays.get(record.messageId) ?? (group ? options.groupDelays.get(group) : undefined);
    if (delaySeconds === undefined) return [];
    return [{ messageId: record.messageId, receiptHandle: record.receiptHandle, delaySeconds }];
  });
}

/** `owner/name` of the delivery's repository, for the logs; undefined for events without one. */
function repositoryOf(payload: unknown): string | undefined {
  const name = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === 'string' ? name : undefined;
}
