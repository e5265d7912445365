import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:Ferry-Deliveries.fifo';

let sequence = 18849496460467696128n;

/** An SQS FIFO record as Lambda's event source mapping delivers it. */
export function fifoRecord(options: {
  body: string;
  groupId: string;
  deduplicationId: string;
  /** `ApproximateReceiveCount`: 1 on the first attempt. */
  receiveCount?: number;
}): SQSRecord {
  sequence += 1n;
  return {
    messageId: `msg-${options.deduplicationId}`,
    receiptHandle: `AQEB${createHash('sha256').update(options.deduplicationId).digest('base64')}`,
    body: options.body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1764324900123',
      SequenceNumber: sequence.toString(),
      MessageGroupId: options.groupId,
      SenderId: 'AROAEXAMPLE123:Ferry-Webhook',
      MessageDeduplicationId: options.deduplicationId,
      ApproximateFirstReceiveTimestamp: '1764324900150',
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(options.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'eu-west-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
