import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=` and 64 hex digits: the only form GitHub sends in `X-Hub-Signature-256`. */
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks GitHub's `X-Hub-Signature-256` over the raw request bytes, in constant time
 * (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
 * A malformed header is simply invalid; the comparison never depends on where bytes differ.
 */
export function isValidSignature(options: { secret: string; rawBody: Buffer; signature: string }): boolean {
  const match = SIGNATURE.exec(options.signature);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', options.secret).update(options.rawBody).digest();
  // Both are 32 bytes here (the regex fixes the length); timingSafeEqual throws on unequal lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
