/** Lambda entry point of the worker function: wiring only, see create-handler.ts. */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createFerryApp } from '../../src/github/ferry-app.ts';
import { createSignal } from '../../src/signal/create-signal.ts';
import { hideBundledDeprecations } from '../../src/signal/hide-bundled-deprecations.ts';
import { createLogger } from '../shared/create-logger.ts';
import { createSecretLoader } from '../shared/create-secret-loader.ts';
import { parseAppSecret } from '../shared/ferry-secrets.ts';
import { loadFunctionConfig } from '../shared/load-function-config.ts';
import { createHandler } from './create-handler.ts';
import { createSignalFor } from './create-signal-for.ts';
import { workerConfigSchema } from './worker-config.ts';

// The EKS signal's Kubernetes client parses URLs with url.parse, which Node 24 flags from a bundle.
hideBundledDeprecations();

const config = loadFunctionConfig(workerConfigSchema);

export const handler = createHandler({
  // Merges to a tracked branch signal the target's EKS cluster through the worker's IAM role.
  appFn: createFerryApp({
    agentAppIds: config.agentAppIds,
    signalFor: createSignalFor({
      createSignal,
      ...(config.region ? { defaultRegion: config.region } : {}),
    }),
  }),
  loadAppSecret: createSecretLoader({
    client: new SecretsManagerClient({}),
    secretId: config.appSecretId,
    parse: parseAppSecret,
  }),
  s3: new S3Client({}),
  bucket: config.bucket,
  sqs: new SQSClient({}),
  queueUrl: config.queueUrl,
  logger: createLogger('ferry-worker'),
  probotLogLevel: config.probotLogLevel,
  ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
});
