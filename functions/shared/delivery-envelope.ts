/**
 * What travels on the delivery queue between the webhook and the worker.
 *
 * Small deliveries go inline as `{ id, name, payload }` (the shape `probot.receive` takes).
 * Deliveries too big for one SQS message go through S3 (the claim-check pattern): the message
 * carries `{ id, name, s3: { bucket, key } }` and the object holds the raw body GitHub sent.
 */
import * as z from 'zod/mini';

/** A GitHub webhook delivery, as Probot receives it. */
export interface DeliveryEnvelope {
  /** `X-GitHub-Delivery`: a GUID, unique per delivery, the same on a redelivery. */
  id: string;
  /** `X-GitHub-Event`: `push`, `pull_request`, … */
  name: string;
  payload: unknown;
}

/** Where a claim-checked delivery's body waits in S3. */
export interface ClaimCheck {
  bucket: string;
  key: string;
}

export type QueuedDelivery =
  | { kind: 'inline'; envelope: DeliveryEnvelope }
  | { kind: 'claim-check'; id: string; name: string; s3: ClaimCheck };

/** The message body was not one the webhook writes: a bug or a message put on the queue by hand. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  constructor(
    message: string,
    readonly messageId: string,
    options?: ErrorOptions,
  ) {
    super(`SQS message ${messageId}: ${message}`, options);
  }
}

/** Prefix of claim-checked bodies in the bucket; the IAM policies are scoped to it. */
export const CLAIM_CHECK_PREFIX = 'deliveries/';

/** The object key of a claim-checked delivery. The delivery id is already restricted to safe characters. */
export function claimCheckKeyOf(deliveryId: string): string {
  return `${CLAIM_CHECK_PREFIX}${deliveryId}.json`;
}

/**
 * The inline message body, built around the raw JSON text rather than re-serialising the parsed
 * payload: no second copy of a large object, and the worker sees exactly the bytes GitHub signed.
 * The caller has already checked that `rawPayload` is valid JSON.
 */
export function formatInlineDelivery(options: { id: string; name: string; rawPayload: string }): string {
  return `{"id":${JSON.stringify(options.id)},"name":${JSON.stringify(options.name)},"payload":${options.rawPayload}}`;
}

export function formatClaimCheckDelivery(options: { id: string; name: string; s3: ClaimCheck }): string {
  return JSON.stringify({ id: options.id, name: options.name, s3: options.s3 });
}

const nonEmpty = () => z.string().check(z.minLength(1));
const inlineSchema = z.object({ id: nonEmpty(), name: nonEmpty(), payload: z.unknown() });
const claimCheckSchema = z.object({
  id: nonEmpty(),
  name: nonEmpty(),
  s3: z.object({ bucket: nonEmpty(), key: nonEmpty() }),
});

/** Reads a queue message body back. Throws `MalformedMessageError` (never echoing the body). */
export function parseQueuedDelivery(body: string, messageId: string): QueuedDelivery {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // JSON.parse's message quotes the input: do not carry it (or the payload) into a log.
    throw new MalformedMessageError('body is not JSON', messageId);
  }
  const claimCheck = claimCheckSchema.safeParse(value);
  if (claimCheck.success) {
    const { id, name, s3 } = claimCheck.data;
    return { kind: 'claim-check', id, name, s3 };
  }
  const inline = inlineSchema.safeParse(value);
  if (inline.success && inline.data.payload !== undefined) {
    const { id, name, payload } = inline.data;
    return { kind: 'inline', envelope: { id, name, payload } };
  }
  throw new MalformedMessageError('body is neither { id, name, payload } nor { id, name, s3 }', messageId);
}
