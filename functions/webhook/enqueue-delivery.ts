import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  claimCheckKeyOf,
  formatClaimCheckDelivery,
  formatInlineDelivery,
} from '../shared/delivery-envelope.ts';
import { messageGroupOf } from './message-group-of.ts';
import type { Delivery } from './parse-delivery.ts';

/**
 * SQS's maximum message size is 262,144 bytes (256 KiB), counting the body and message attributes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 * We send no attributes; 4 KiB of headroom keeps us clear of any accounting we cannot see.
 */
export const MAX_INLINE_BYTES = 256 * 1024 - 4 * 1024;

/**
 * Characters SQS accepts in a message body (same page): #x9 | #xA | #xD | #x20–#xD7FF |
 * #xE000–#xFFFD | #x10000–#x10FFFF. Valid JSON can still carry e.g. U+FFFE unescaped; such a
 * delivery goes through S3 instead of failing.
 */
const SQS_UNSAFE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface EnqueueOptions {
  sqs: Pick<SQSClient, 'send'>;
  s3: Pick<S3Client, 'send'>;
  queueUrl: string;
  bucket: string;
  delivery: Delivery;
  /** Bodies larger than this go through S3. */
  maxInlineBytes?: number;
}

export interface EnqueueResult {
  messageGroupId: string;
  /** Set when the body went through S3. */
  claimCheckKey?: string;
}

/**
 * Hands a delivery to the FIFO queue: group = repository (order per repository), deduplication
 * id = delivery id (a redelivery within SQS's 5-minute deduplication window is dropped). Big
 * bodies are stored in S3 first and the message carries the claim check.
 */
export async function enqueueDelivery(options: EnqueueOptions): Promise<EnqueueResult> {
  const { delivery } = options;
  const messageGroupId = messageGroupOf(delivery.payload);
  const maxInlineBytes = options.maxInlineBytes ?? MAX_INLINE_BYTES;
  let body = formatInlineDelivery(delivery);
  let claimCheckKey: string | undefined;
  if (Buffer.byteLength(body, 'utf8') > maxInlineBytes || SQS_UNSAFE.test(body)) {
    claimCheckKey = claimCheckKeyOf(delivery.id);
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: claimCheckKey,
        Body: delivery.rawPayload,
        ContentType: 'application/json',
      }),
    );
    body = formatClaimCheckDelivery({
      id: delivery.id,
      name: delivery.name,
      s3: { bucket: options.bucket, key: claimCheckKey },
    });
  }
  await options.sqs.send(
    new SendMessageCommand({
      QueueUrl: options.queueUrl,
      MessageBody: body,
      MessageGroupId: messageGroupId,
      MessageDeduplicationId: delivery.id,
    }),
  );
  return claimCheckKey === undefined ? { messageGroupId } : { messageGroupId, claimCheckKey };
}
