import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionLogger } from '../shared/create-logger.ts';

export interface RetryDelay {
  messageId: string;
  receiptHandle: string;
  delaySeconds: number;
}

/** SQS takes at most 10 entries per ChangeMessageVisibilityBatch. */
const MAX_ENTRIES = 10;

/**
 * Makes failed records visible again after their delay instead of the queue's visibility timeout
 * (30 minutes, six times the worker's timeout, which a FIFO group would otherwise wait out).
 * Lambda leaves a record it was told failed in flight until that timeout ends; the receipt handle
 * of the current receive may shorten it. A record this does not reach keeps the queue's timeout:
 * it is retried later, never lost, so a failure here is only logged.
 */
export async function setRetryDelays(options: {
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  delays: RetryDelay[];
  logger: FunctionLogger;
}): Promise<void> {
  const { delays, logger } = options;
  for (let start = 0; start < delays.length; start += MAX_ENTRIES) {
    const chunk = delays.slice(start, start + MAX_ENTRIES);
    try {
      const out = await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((d, i) => ({
            Id: String(i),
            ReceiptHandle: d.receiptHandle,
            VisibilityTimeout: d.delaySeconds,
          })),
        }),
      );
      for (const failed of out.Failed ?? []) {
        const messageId = chunk[Number(failed.Id)]?.messageId;
        logger.warn('retry delay not set: the queue visibility timeout applies', {
          messageId,
          code: failed.Code,
          reason: failed.Message,
        });
      }
    } catch (err) {
      logger.warn('retry delays not set: the queue visibility timeout applies', {
        error: err as Error,
        messageIds: chunk.map((d) => d.messageId),
      });
    }
  }
}
