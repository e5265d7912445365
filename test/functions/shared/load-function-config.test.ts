import { describe, expect, it } from 'vitest';
import { FunctionConfigError, loadFunctionConfig } from '../../../functions/shared/load-function-config.ts';
import { webhookConfigSchema } from '../../../functions/webhook/webhook-config.ts';
import { workerConfigSchema } from '../../../functions/worker/worker-config.ts';

describe('loadFunctionConfig', () => {
  it('maps the webhook environment to its config', () => {
    const env = {
      FERRY_WEBHOOK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:Ferry/webhook-a1',
      FERRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/Ferry-Deliveries.fifo',
      FERRY_BUCKET: 'ferry-claims',
    };
    expect(loadFunctionConfig(webhookConfigSchema, env)).toEqual({
      webhookSecretId: env.FERRY_WEBHOOK_SECRET_ID,
      queueUrl: env.FERRY_QUEUE_URL,
      bucket: 'ferry-claims',
    });
  });

  it('reports every missing or bad variable at once', () => {
    let error: unknown;
    try {
      loadFunctionConfig(webhookConfigSchema, { FERRY_QUEUE_URL: 'not a url' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FunctionConfigError);
    const problems = (error as FunctionConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems).toContain('FERRY_WEBHOOK_SECRET_ID is not set');
    expect(problems).toContain('FERRY_BUCKET is not set');
    expect(problems.find((p) => p.startsWith('FERRY_QUEUE_URL:'))).toBeDefined();
    expect((error as Error).message).not.toContain('not a url');
  });

  it('applies the worker defaults', () => {
    expect(
      loadFunctionConfig(workerConfigSchema, {
        FERRY_APP_SECRET_ID: 'Ferry/app',
        FERRY_BUCKET: 'ferry-claims',
        FERRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo',
      }),
    ).toEqual({
      appSecretId: 'Ferry/app',
      bucket: 'ferry-claims',
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo',
      probotLogLevel: 'info',
      region: undefined,
      agentAppIds: [],
    });
  });

  it('reads the agent Apps whose live check runs the worker trusts', () => {
    expect(
      loadFunctionConfig(workerConfigSchema, {
        FERRY_APP_SECRET_ID: 'Ferry/app',
        FERRY_BUCKET: 'ferry-claims',
        FERRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo',
        FERRY_AGENT_APP_IDS: '777,888',
      }).agentAppIds,
    ).toEqual([777, 888]);
  });
});
