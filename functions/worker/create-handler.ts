/**
 * The worker function: SQS FIFO batches → Probot. Each record is one GitHub delivery; failures are
 * reported per record (ReportBatchItemFailures) so a bad delivery is retried alone and, after the
 * queue's maxReceiveCount, parked in the dead-letter queue.
 *
 * Order: records are handled one after another (SqsFifoPartialProcessorAsync). When one fails, the
 * later records *of the same message group* (the same repository) are reported failed without
 * being run, so a repository's events are never handled out of order; other repositories' records
 * in the batch go on (`skipGroupOnError`).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type ApplicationFunction, Probot, ProbotOctokit } from 'probot';
import type { FunctionLogger } from '../shared/create-logger.ts';
import type { AppSecret } from '../shared/ferry-secrets.ts';
import { loadDelivery } from './load-delivery.ts';

export interface WorkerDeps {
  /** The Probot app (src/github/ferry-app.ts in production; a fake in tests). */
  appFn: ApplicationFunction;
  /** Resolves the App secret (memoised per cold start by `createSecretLoader`). */
  loadAppSecret: () => Promise<AppSecret>;
  s3: Pick<S3Client, 'send'>;
  /** Claim-check bucket. */
  bucket: string;
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

/** Not enough time left in this invocation to start another delivery. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

const DEFAULT_DEADLINE_RESERVE_MS = 60_000;

export function createHandler(deps: WorkerDeps): WorkerHandler {
  const { logger } = deps;
  const reserveMs = deps.deadlineReserveMs ?? DEFAULT_DEADLINE_RESERVE_MS;
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
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const deliveryId = record.attributes.MessageDeduplicationId ?? record.messageId;
      logger.appendKeys({ deliveryId, messageGroupId: record.attributes.MessageGroupId });
      try {
        await handleRecord(record, context);
      } catch (err) {
        logger.error('delivery failed', { error: err as Error, messageId: record.messageId });
        throw err;
      } finally {
        logger.removeKeys(['deliveryId', 'messageGroupId', 'event']);
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
      logger.appendKeys({ deliveryId: delivery.envelope.id, event: delivery.envelope.name });
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
      return await processPartialResponse(event, recordHandler, processor, {
        ...(context ? { context } : {}),
        skipGroupOnError: true,
        // A batch where every record failed is reported like any other, record by record.
        throwOnFullBatchFailure: false,
      });
    } finally {
      logger.resetKeys();
    }
  };
}
