import type { LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * The exact bytes GitHub sent. Function URLs pass text bodies as strings and anything else
 * base64-encoded with `isBase64Encoded: true`
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads).
 */
export function readRawBody(event: Pick<LambdaFunctionURLEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}
