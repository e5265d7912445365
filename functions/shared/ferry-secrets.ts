/**
 * The two secrets Ferry keeps in Secrets Manager, and how their values are read.
 *
 * - webhook secret: the plain string set as the GitHub App's webhook secret. Read by the webhook
 *   function only. The stack generates a random one; paste it into the App settings or replace it.
 * - App secret: JSON `{ "appId": "123456", "privateKey": "-----BEGIN RSA PRIVATE KEY-----\n…" }`.
 *   Read by the worker only: the internet-facing function cannot read the App's private key.
 */
import { privateKeyProblem } from '../../src/app-config/private-key-problem.ts';
import { SecretValueError } from './create-secret-loader.ts';

export interface AppSecret {
  appId: string;
  privateKey: string;
}

const HOW_TO_SET = 'set it as described in docs/deploy-aws.md';

export function parseWebhookSecret(secretString: string): string {
  // The stack's generated placeholder is a usable secret; only an empty value is refused.
  if (secretString.length === 0) throw new SecretValueError(`webhook secret is empty: ${HOW_TO_SET}`);
  return secretString;
}

export function parseAppSecret(secretString: string): AppSecret {
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new SecretValueError(`App secret is not JSON { appId, privateKey }: ${HOW_TO_SET}`);
  }
  if (typeof value !== 'object' || value === null) {
    throw new SecretValueError(`App secret is not a JSON object { appId, privateKey }: ${HOW_TO_SET}`);
  }
  const { appId, privateKey } = value as Record<string, unknown>;
  const id = typeof appId === 'number' ? String(appId) : appId;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) {
    throw new SecretValueError(`App secret: appId is missing or not a number: ${HOW_TO_SET}`);
  }
  if (typeof privateKey !== 'string' || !privateKey.includes('PRIVATE KEY-----')) {
    throw new SecretValueError(`App secret: privateKey is missing or not a PEM private key: ${HOW_TO_SET}`);
  }
  const pem = normalisePem(privateKey);
  // A truncated, hand-edited or non-RSA key failed every event when the first token was signed.
  const problem = privateKeyProblem(pem, 'App secret: privateKey');
  if (problem) throw new SecretValueError(`${problem}; ${HOW_TO_SET}`);
  return { appId: id, privateKey: pem };
}

/** A PEM pasted through a single-line field often arrives with literal `\n`: restore the newlines. */
function normalisePem(pem: string): string {
  return pem.includes('\n') ? pem : pem.replaceAll('\\n', '\n');
}
