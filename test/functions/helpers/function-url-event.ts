import { createHmac } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export const WEBHOOK_SECRET = 'test-webhook-secret-9d1f';

/** `sha256=<hex>` computed for real, as GitHub does. */
export function signatureOf(body: Buffer | string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * A Lambda Function URL event (payload format 2.0), shaped like the ones Lambda sends for a GitHub
 * delivery: lower-cased headers, `requestContext.http`, `isBase64Encoded`
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads).
 */
export function functionUrlEvent(options: {
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
  method?: string;
}): LambdaFunctionURLEvent {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/7b5e1a2',
    accept: '*/*',
    host: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws',
    'x-amzn-trace-id': 'Root=1-67a1b2c3-0123456789abcdef01234567',
    'x-forwarded-for': '140.82.115.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz012345',
      domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
      http: {
        method: options.method ?? 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '140.82.115.1',
        userAgent: 'GitHub-Hookshot/7b5e1a2',
      },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2025:10:15:00 +0000',
      timeEpoch: 1764324900000,
    },
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  if (options.body !== undefined) event.body = options.body;
  return event;
}

/** A signed GitHub delivery as a Function URL event. */
export function githubDelivery(options: {
  name: string;
  id: string;
  payload: unknown;
  base64?: boolean;
  secret?: string;
}): LambdaFunctionURLEvent {
  const raw = Buffer.from(JSON.stringify(options.payload));
  return functionUrlEvent({
    body: options.base64 ? raw.toString('base64') : raw.toString('utf8'),
    isBase64Encoded: options.base64 ?? false,
    headers: {
      'x-github-event': options.name,
      'x-github-delivery': options.id,
      'x-github-hook-id': '512345678',
      'x-github-hook-installation-target-id': '1234567',
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature': `sha1=${createHmac('sha1', options.secret ?? WEBHOOK_SECRET)
        .update(raw)
        .digest('hex')}`,
      'x-hub-signature-256': signatureOf(raw, options.secret),
    },
  });
}
