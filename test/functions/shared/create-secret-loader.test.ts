import { generateKeyPairSync } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecretLoader, SecretLoadError } from '../../../functions/shared/create-secret-loader.ts';
import { parseAppSecret, parseWebhookSecret } from '../../../functions/shared/ferry-secrets.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Ferry/app-AbCdEf';
const smMock = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });

beforeEach(() => smMock.reset());

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('createSecretLoader', () => {
  it('reads the secret once per cold start, however often it is asked', async () => {
    smMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: 'whsec' });
    const load = createSecretLoader({ client, secretId: SECRET_ARN, parse: parseWebhookSecret });

    const values = await Promise.all([load(), load(), load()]);
    await load();

    expect(values).toEqual(['whsec', 'whsec', 'whsec']);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not cache a failed read: the next call tries again', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({ SecretString: 'whsec' });
    const load = createSecretLoader({ client, secretId: SECRET_ARN, parse: parseWebhookSecret });

    const error = await errorOf(load());
    expect(error).toBeInstanceOf(SecretLoadError);
    expect(error.message).toBe(`secret ${SECRET_ARN}: GetSecretValue failed`);
    // A failed read may pass: the worker retries it (an unusable value it drops).
    expect((error as SecretLoadError).kind).toBe('read');
    expect(await load()).toBe('whsec');
  });

  it('never puts any part of a malformed value into the error', async () => {
    const leaked = '{"appId": 1, "privateKey": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow';
    smMock.on(GetSecretValueCommand).resolves({ SecretString: leaked });
    const load = createSecretLoader({ client, secretId: SECRET_ARN, parse: parseAppSecret });

    const error = await errorOf(load());
    expect(error.message).toContain('not JSON');
    expect(error.message).not.toContain('MIIEow');
    expect(error.cause).toBeUndefined();
    expect((error as SecretLoadError).kind).toBe('value');
  });

  it('refuses an empty or binary secret', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    const load = createSecretLoader({ client, secretId: SECRET_ARN, parse: parseWebhookSecret });

    expect((await errorOf(load())).message).toContain('has no string value');
  });
});

describe('parseAppSecret', () => {
  // A real RSA key: the worker signs the App's JWT with it (RS256), so only one that decodes is taken.
  const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  }) as string;

  it('reads appId (string or number) and the PEM private key', () => {
    expect(parseAppSecret(JSON.stringify({ appId: 123456, privateKey: pem }))).toEqual({
      appId: '123456',
      privateKey: pem,
    });
    expect(parseAppSecret(JSON.stringify({ appId: '123456', privateKey: pem }))).toEqual({
      appId: '123456',
      privateKey: pem,
    });
  });

  it('restores newlines in a PEM pasted as one line with literal \\n', () => {
    const oneLine = pem.replaceAll('\n', '\\n');
    expect(parseAppSecret(JSON.stringify({ appId: 1, privateKey: oneLine })).privateKey).toBe(pem);
  });

  it.each([
    ['the generated placeholder', { appId: '', privateKey: '', unset: 'x8Yh2…' }, 'appId'],
    ['a missing key', { appId: '1' }, 'privateKey'],
    ['a key that is not PEM', { appId: '1', privateKey: 'abc' }, 'privateKey'],
  ])('explains %s without quoting it', (_label, value, field) => {
    expect(() => parseAppSecret(JSON.stringify(value))).toThrow(
      new RegExp(`${field} is missing.*docs/deploy-aws.md`),
    );
  });

  it('refuses a damaged key or a key that is not RSA, naming the problem and never the key', () => {
    const lines = pem.trim().split('\n');
    const damaged = [...lines.slice(0, 3), ...lines.slice(6)].join('\n');
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(() => parseAppSecret(JSON.stringify({ appId: 1, privateKey: damaged }))).toThrow(
      /^App secret: privateKey is not a valid private key \(its PEM block does not decode: truncated or damaged\?\).*docs\/deploy-aws\.md$/,
    );
    expect(() => parseAppSecret(JSON.stringify({ appId: 1, privateKey: ed25519 }))).toThrow(
      /^App secret: privateKey is an ED25519 key; GitHub Apps sign with RSA/,
    );
    for (const key of [damaged, ed25519]) {
      try {
        parseAppSecret(JSON.stringify({ appId: 1, privateKey: key }));
      } catch (err) {
        expect((err as Error).message).not.toContain(key.split('\n')[1]);
      }
    }
  });
});
