import { Sha256 } from '@aws-crypto/sha256-js';
import { formatUrl } from '@aws-sdk/util-format-url';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export type AwsCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** Tokens are accepted for 15 minutes (aws-iam-authenticator); reuse them for 14 to stay clear of the edge. */
export const EKS_TOKEN_REUSE_MS = 14 * 60 * 1000;
const TOKEN_PREFIX = 'k8s-aws-v1.';

export interface EksToken {
  token: string;
  /** When to stop reusing it. */
  expiresAt: Date;
}

export function stsHostname(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/**
 * A bearer token for the EKS API, made the way `aws eks get-token` makes it: a presigned STS
 * GetCallerIdentity URL with the cluster name in the signed `x-k8s-aws-id` header, valid 60 s for
 * signing purposes, base64url-encoded without padding behind `k8s-aws-v1.`.
 */
export async function createEksToken(opts: {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  signingDate?: Date;
}): Promise<EksToken> {
  const hostname = stsHostname(opts.region);
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: 'sts',
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, 'x-k8s-aws-id': opts.clusterName },
  });
  const signingDate = opts.signingDate ?? new Date();
  const signed = await signer.presign(request, { expiresIn: 60, signingDate });
  const url = formatUrl(signed);
  return {
    token: `${TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: new Date(signingDate.getTime() + EKS_TOKEN_REUSE_MS),
  };
}
