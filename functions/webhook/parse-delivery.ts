/**
 * A verified request → the delivery to enqueue. Runs only after the signature check: it is the
 * first code that looks inside the body.
 */

export interface Delivery {
  id: string;
  name: string;
  /** The body as text, exactly as signed; valid JSON. */
  rawPayload: string;
  payload: unknown;
}

export type ParseDeliveryResult = { ok: true; delivery: Delivery } | { ok: false; reason: string };

/**
 * GitHub's delivery ids are GUIDs. The id becomes the SQS deduplication id (≤ 128 characters of
 * alphanumerics and punctuation) and part of an S3 key, so only a conservative alphabet passes.
 */
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Event names are lower-case words with underscores (`pull_request_review_comment`). */
const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Headers arrive lower-cased in Function URL events. */
export function parseDelivery(options: {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}): ParseDeliveryResult {
  const id = options.headers['x-github-delivery'];
  const name = options.headers['x-github-event'];
  if (id === undefined || id === '') return { ok: false, reason: 'missing X-GitHub-Delivery' };
  if (!DELIVERY_ID.test(id)) return { ok: false, reason: 'malformed X-GitHub-Delivery' };
  if (name === undefined || name === '') return { ok: false, reason: 'missing X-GitHub-Event' };
  if (!EVENT_NAME.test(name)) return { ok: false, reason: 'malformed X-GitHub-Event' };
  const rawPayload = options.rawBody.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(rawPayload);
  } catch {
    // GitHub Apps always deliver application/json; a form-encoded body means a misconfigured hook.
    return { ok: false, reason: 'body is not JSON (the webhook content type must be application/json)' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  return { ok: true, delivery: { id, name, rawPayload, payload } };
}
