import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { AppConfigError, loadAppConfig } from '../../src/app-config/load-app-config.ts';

/** A real RSA key (1024 bits: quick to make, and the check is of its kind, not its size). */
const PEM = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString()
  .trim();
const BASE = { APP_ID: '12345', WEBHOOK_SECRET: 'shh', PRIVATE_KEY: PEM };

function problemsOf(env: NodeJS.ProcessEnv, readFile?: (path: string) => string): string[] {
  try {
    loadAppConfig(env, readFile ? { readFile } : {});
  } catch (err) {
    if (err instanceof AppConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadAppConfig', () => {
  test("reads Probot's standard variables with their defaults", () => {
    expect(loadAppConfig(BASE)).toEqual({
      appId: 12345,
      privateKey: `${PEM}\n`,
      webhookSecret: 'shh',
      port: 3000,
      logLevel: 'info',
      baseUrl: 'https://api.github.com',
      webhookPath: '/api/github/webhooks',
      agentAppIds: [],
    });
  });

  test('reads FERRY_AGENT_APP_IDS as the agent Apps whose live check runs are trusted', () => {
    expect(loadAppConfig({ ...BASE, FERRY_AGENT_APP_IDS: '777, 888' }).agentAppIds).toEqual([777, 888]);
    expect(problemsOf({ ...BASE, FERRY_AGENT_APP_IDS: 'ferry-agent' })).toEqual([
      'FERRY_AGENT_APP_IDS must be App IDs separated by commas, such as 12345,67890',
    ]);
  });

  test('reports every missing variable at once, treating empty values as missing', () => {
    expect(problemsOf({ APP_ID: '', PRIVATE_KEY: '' })).toEqual([
      'APP_ID is missing: the App ID from the GitHub App settings page',
      'WEBHOOK_SECRET is missing: the webhook secret set in the GitHub App settings',
      'PRIVATE_KEY or PRIVATE_KEY_PATH is missing: the App private key (.pem) or a path to it',
    ]);
  });

  test('reports bad values, naming the variable and never echoing the key', () => {
    const problems = problemsOf({
      ...BASE,
      APP_ID: 'Iv1.abc',
      PORT: '70000',
      LOG_LEVEL: 'loud' as never,
      PRIVATE_KEY: 'sekrit-value',
      GHE_HOST: 'https://ghe.example.com/',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toContain('APP_ID must be a positive integer');
    expect(problems.join('\n')).toContain('PORT must be a port number');
    expect(problems.join('\n')).toContain('LOG_LEVEL must be one of');
    expect(problems.join('\n')).toContain('GHE_HOST must be a host name');
    expect(problems.join('\n')).toContain('PRIVATE_KEY is not a PEM private key');
    expect(problems.join('\n')).not.toContain('sekrit-value');
  });

  test('accepts a key with escaped newlines or base64-encoded, as Probot does', () => {
    const escaped = loadAppConfig({ ...BASE, PRIVATE_KEY: PEM.replace(/\n/g, '\\n') });
    const encoded = loadAppConfig({ ...BASE, PRIVATE_KEY: Buffer.from(PEM).toString('base64') });
    expect(escaped.privateKey).toBe(`${PEM}\n`);
    expect(encoded.privateKey).toBe(`${PEM}\n`);
  });

  test('reads PRIVATE_KEY_PATH, and says which path could not be read', () => {
    const { PRIVATE_KEY: _key, ...rest } = BASE;
    const config = loadAppConfig({ ...rest, PRIVATE_KEY_PATH: '/keys/app.pem' }, { readFile: () => PEM });
    expect(config.privateKey).toBe(`${PEM}\n`);
    const problems = problemsOf({ ...rest, PRIVATE_KEY_PATH: '/nope.pem' }, () => {
      throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    });
    expect(problems).toEqual(['PRIVATE_KEY_PATH: cannot read /nope.pem (ENOENT)']);
  });

  test('points at GitHub Enterprise Server through GHE_HOST and GHE_PROTOCOL', () => {
    expect(loadAppConfig({ ...BASE, GHE_HOST: 'github.example.com' }).baseUrl).toBe(
      'https://github.example.com/api/v3',
    );
    expect(loadAppConfig({ ...BASE, GHE_HOST: 'ghe.local:8443', GHE_PROTOCOL: 'http' }).baseUrl).toBe(
      'http://ghe.local:8443/api/v3',
    );
    expect(problemsOf({ ...BASE, GHE_PROTOCOL: 'https' })).toEqual([
      'GHE_PROTOCOL is set but GHE_HOST is not: set both for GitHub Enterprise Server',
    ]);
  });

  test('refuses a key that only looks like one: a damaged PEM block, a key of another kind', () => {
    const damaged = PEM.replace(/\n[A-Za-z0-9+/]{20}/, '\n');
    expect(problemsOf({ ...BASE, PRIVATE_KEY: damaged })).toEqual([
      "PRIVATE_KEY is not a valid private key (its PEM block does not decode: truncated or damaged?): generate a new one on the GitHub App's settings page",
    ]);
    const ed25519 = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const { PRIVATE_KEY: _key, ...rest } = BASE;
    expect(problemsOf({ ...rest, PRIVATE_KEY_PATH: '/keys/app.pem' }, () => ed25519)).toEqual([
      "PRIVATE_KEY_PATH is an ED25519 key; GitHub Apps sign with RSA: use the .pem the GitHub App's settings page generates",
    ]);
  });

  test('takes PORT 0 (any free port), HOST and LOG_LEVEL', () => {
    expect(loadAppConfig({ ...BASE, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' })).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'debug',
    });
  });
});
