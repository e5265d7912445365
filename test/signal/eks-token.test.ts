import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEksToken, EKS_TOKEN_REUSE_MS } from '../../src/signal/eks-token.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2025-03-04T05:06:07Z');

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const payload = token.slice('k8s-aws-v1.'.length);
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query-string signature recomputed from the spec (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    'GET',
    '/',
    params,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    sha256(''),
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const scope = (url.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const [date = '', region = '', service = ''] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

describe('createEksToken', () => {
  it('presigns STS GetCallerIdentity for the cluster the way aws eks get-token does', async () => {
    const { token } = await createEksToken({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      credentials,
      signingDate,
    });
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20250304/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20250304T050607Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['host', 'x-k8s-aws-id']);
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs the cluster name into the token: the signature verifies only for that cluster', async () => {
    const { token } = await createEksToken({
      clusterName: 'ml-prod',
      region: 'us-east-1',
      credentials,
      signingDate,
    });
    const url = decode(token);
    const signature = url.searchParams.get('X-Amz-Signature');
    expect(signature).toBe(expectedSignature(url, 'ml-prod', credentials.secretAccessKey));
    expect(signature).not.toBe(expectedSignature(url, 'ml-staging', credentials.secretAccessKey));
  });

  it('carries a session token from temporary credentials as X-Amz-Security-Token, inside the signature', async () => {
    const temporary = { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE/+=' };
    const { token } = await createEksToken({
      clusterName: 'c',
      region: 'us-east-1',
      credentials: temporary,
      signingDate,
    });
    const url = decode(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(temporary.sessionToken);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'c', credentials.secretAccessKey),
    );
  });

  it('uses the amazonaws.com.cn STS endpoint in China regions', async () => {
    const { token } = await createEksToken({
      clusterName: 'c',
      region: 'cn-north-1',
      credentials,
      signingDate,
    });
    expect(decode(token).host).toBe('sts.cn-north-1.amazonaws.com.cn');
  });

  it('is reused for 14 minutes of its 15-minute validity', async () => {
    const { expiresAt } = await createEksToken({
      clusterName: 'c',
      region: 'us-east-1',
      credentials,
      signingDate,
    });
    expect(expiresAt.getTime() - signingDate.getTime()).toBe(EKS_TOKEN_REUSE_MS);
    expect(EKS_TOKEN_REUSE_MS).toBe(14 * 60 * 1000);
  });
});
