import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CLAIM_CHECK_PREFIX,
  type DeliveryEnvelope,
  MalformedMessageError,
  parseQueuedDelivery,
} from '../shared/delivery-envelope.ts';

export interface LoadedDelivery {
  envelope: DeliveryEnvelope;
  /** Deletes the claim-checked body once the delivery is handled (no-op for inline ones). */
  release: () => Promise<void>;
}

/**
 * A queue message → the envelope Probot receives, fetching claim-checked bodies from S3. Only
 * keys under the webhook's prefix in our own bucket are followed, whatever the message says.
 */
export async function loadDelivery(options: {
  body: string;
  messageId: string;
  s3: Pick<S3Client, 'send'>;
  bucket: string;
}): Promise<LoadedDelivery> {
  const queued = parseQueuedDelivery(options.body, options.messageId);
  if (queued.kind === 'inline') return { envelope: queued.envelope, release: async () => {} };

  const { bucket, key } = queued.s3;
  if (bucket !== options.bucket || !key.startsWith(CLAIM_CHECK_PREFIX)) {
    throw new MalformedMessageError(
      `claim check points outside s3://${options.bucket}/${CLAIM_CHECK_PREFIX}`,
      options.messageId,
    );
  }
  const out = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new MalformedMessageError(`s3://${bucket}/${key} has no body`, options.messageId);
  const text = await out.Body.transformToString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input; the payload stays out of the logs.
    throw new MalformedMessageError(`s3://${bucket}/${key} is not JSON`, options.messageId);
  }
  return {
    envelope: { id: queued.id, name: queued.name, payload },
    release: async () => {
      await options.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
