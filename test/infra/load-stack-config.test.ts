import { describe, expect, it } from 'vitest';
import { loadStackConfig, StackConfigError } from '../../infra/load-stack-config.ts';

const from = (context: Record<string, unknown>) => (key: string) => context[key];

describe('loadStackConfig', () => {
  it('defaults to stack Ferry, no clusters, and the CLI region when there is one', () => {
    expect(loadStackConfig(from({}), {})).toEqual({
      stackName: 'Ferry',
      clusters: [],
      webhookConcurrency: 10,
    });
    expect(loadStackConfig(from({}), { CDK_DEFAULT_REGION: 'eu-central-1' })).toEqual({
      stackName: 'Ferry',
      clusters: [],
      region: 'eu-central-1',
      webhookConcurrency: 10,
    });
  });

  it('prefers ferry:region over the CLI region', () => {
    const config = loadStackConfig(from({ 'ferry:region': 'us-west-2' }), {
      CDK_DEFAULT_REGION: 'eu-central-1',
    });
    expect(config.region).toBe('us-west-2');
  });

  it('reads clusters from cdk.json (parsed) or from -c (a JSON string)', () => {
    const clusters = [{ name: 'prod' }, { name: 'gpu', region: 'us-east-1', accountId: '123456789012' }];
    expect(loadStackConfig(from({ 'ferry:clusters': clusters }), {}).clusters).toEqual(clusters);
    expect(loadStackConfig(from({ 'ferry:clusters': JSON.stringify(clusters) }), {}).clusters).toEqual(
      clusters,
    );
  });

  it('reports every bad key at once, by its context name', () => {
    let error: unknown;
    try {
      loadStackConfig(
        from({
          'ferry:stackName': '1-bad name',
          'ferry:region': 'mars-1',
          'ferry:clusters': [{ name: 'ok' }, { name: 'x', accountId: '42' }, { nmae: 'typo' }],
        }),
        {},
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    const message = (error as Error).message;
    expect(message).toContain('ferry:stackName');
    expect(message).toContain('ferry:region');
    expect(message).toContain('ferry:clusters.1.accountId');
    expect(message).toContain('ferry:clusters.2');
  });

  it('reads the webhook reserved concurrency as a number, from -c as a string, or none', () => {
    const concurrency = (value: unknown) =>
      loadStackConfig(from({ 'ferry:webhookConcurrency': value }), {}).webhookConcurrency;
    expect(concurrency(25)).toBe(25);
    expect(concurrency('5')).toBe(5);
    expect(concurrency('none')).toBeUndefined();
    for (const bad of [0, '0', -1, 2.5, 'ten', '', true]) {
      expect(() => concurrency(bad)).toThrow(
        'bad CDK context: ferry:webhookConcurrency: must be a whole number of at least 1, or none',
      );
    }
  });

  it('refuses a cluster listed twice', () => {
    expect(() => loadStackConfig(from({ 'ferry:clusters': [{ name: 'a' }, { name: 'a' }] }), {})).toThrow(
      /twice/,
    );
  });

  it('refuses clusters given as something other than a list', () => {
    expect(() => loadStackConfig(from({ 'ferry:clusters': 'prod' }), {})).toThrow(/ferry:clusters/);
  });
});

describe('loadStackConfig: GitHub Enterprise Server', () => {
  it('reads ferry:agentAppIds as a list of App IDs and refuses anything else, naming the key', () => {
    expect(loadStackConfig(from({ 'ferry:agentAppIds': '[777]' }), {}).agentAppIds).toEqual([777]);
    expect(() => loadStackConfig(from({ 'ferry:agentAppIds': 'abc' }), {})).toThrow(/ferry:agentAppIds: /);
  });

  it('reads ferry:gheHost and ferry:gheProtocol (https by default)', () => {
    expect(loadStackConfig(from({ 'ferry:gheHost': 'github.example.com' }), {}).github).toEqual({
      host: 'github.example.com',
      protocol: 'https',
    });
    expect(
      loadStackConfig(from({ 'ferry:gheHost': 'ghe.internal:8443', 'ferry:gheProtocol': 'http' }), {}).github,
    ).toEqual({ host: 'ghe.internal:8443', protocol: 'http' });
    expect(loadStackConfig(from({}), {}).github).toBeUndefined();
  });

  it('refuses a URL for the host, a bad protocol, and a protocol without a host, by context name', () => {
    expect(() => loadStackConfig(from({ 'ferry:gheHost': 'https://github.example.com' }), {})).toThrow(
      /ferry:gheHost: not a host name/,
    );
    expect(() =>
      loadStackConfig(from({ 'ferry:gheHost': 'github.example.com', 'ferry:gheProtocol': 'ftp' }), {}),
    ).toThrow(/ferry:gheProtocol: must be https or http/);
    expect(() => loadStackConfig(from({ 'ferry:gheProtocol': 'https' }), {})).toThrow(
      /ferry:gheProtocol is set but ferry:gheHost is not/,
    );
  });
});
