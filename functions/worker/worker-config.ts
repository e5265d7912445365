import * as z from 'zod/mini';

/** The worker function's environment (set by infra/ferry-stack.ts). */
export const workerConfigSchema = z.pipe(
  z.object({
    /** ARN of the App secret `{ appId, privateKey }`; the value stays in Secrets Manager. */
    FERRY_APP_SECRET_ID: z.string().check(z.minLength(1)),
    /** The claim-check bucket: the only bucket the worker reads deliveries from. */
    FERRY_BUCKET: z.string().check(z.minLength(3)),
    /** Probot's log level (its own pino logs, JSON). */
    FERRY_PROBOT_LOG_LEVEL: z._default(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']), 'info'),
  }),
  z.transform((env) => ({
    appSecretId: env.FERRY_APP_SECRET_ID,
    bucket: env.FERRY_BUCKET,
    probotLogLevel: env.FERRY_PROBOT_LOG_LEVEL,
  })),
);

export type WorkerConfig = z.output<typeof workerConfigSchema>;
