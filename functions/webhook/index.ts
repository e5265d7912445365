/** Lambda entry point of the webhook function: wiring only, see create-handler.ts. */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger } from '../shared/create-logger.ts';
import { createSecretLoader } from '../shared/create-secret-loader.ts';
import { parseWebhookSecret } from '../shared/ferry-secrets.ts';
import { loadFunctionConfig } from '../shared/load-function-config.ts';
import { createHandler } from './create-handler.ts';
import { webhookConfigSchema } from './webhook-config.ts';

const config = loadFunctionConfig(webhookConfigSchema);

export const handler = createHandler({
  sqs: new SQSClient({}),
  s3: new S3Client({}),
  loadWebhookSecret: createSecretLoader({
    client: new SecretsManagerClient({}),
    secretId: config.webhookSecretId,
    parse: parseWebhookSecret,
  }),
  queueUrl: config.queueUrl,
  bucket: config.bucket,
  logger: createLogger('ferry-webhook'),
});
