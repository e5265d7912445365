import * as z from 'zod/mini';

/** The worker function's environment (set by infra/ferry-stack.ts). */
export const workerConfigSchema = z.pipe(
  z
    .object({
      /** ARN of the App secret `{ appId, privateKey }`; the value stays in Secrets Manager. */
      FERRY_APP_SECRET_ID: z.string().check(z.minLength(1)),
      /** The claim-check bucket: the only bucket the worker reads deliveries from. */
      FERRY_BUCKET: z.string().check(z.minLength(3)),
      /** The delivery queue's URL: failed records get their retry delay there (ChangeMessageVisibility). */
      FERRY_QUEUE_URL: z.url(),
      /** Probot's log level (its own pino logs, JSON). */
      FERRY_PROBOT_LOG_LEVEL: z._default(
        z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
        'info',
      ),
      /** Set by Lambda: the region of EKS clusters a target names without one. */
      AWS_REGION: z.optional(z.string().check(z.minLength(1))),
      /** GitHub Enterprise Server: its host (from the stack's `ferry:gheHost`), as for `ferry serve`. */
      GHE_HOST: z.optional(
        z
          .string()
          .check(
            z.regex(
              /^[A-Za-z0-9.-]+(:\d+)?$/,
              'must be a host name such as github.example.com (no protocol, no path)',
            ),
          ),
      ),
      GHE_PROTOCOL: z.optional(z.enum(['https', 'http'])),
      /** Other Apps whose `ferry/live:` check runs are trusted (the agents' Apps), comma-separated. */
      FERRY_AGENT_APP_IDS: z.optional(
        z
          .string()
          .check(z.regex(/^\s*[1-9]\d*\s*(,\s*[1-9]\d*\s*)*$/, 'must be App IDs separated by commas')),
      ),
    })
    .check(
      z.refine((env) => !env.GHE_PROTOCOL || Boolean(env.GHE_HOST), {
        path: ['GHE_PROTOCOL'],
        message: 'is set but GHE_HOST is not: set both for GitHub Enterprise Server',
      }),
    ),
  z.transform((env) => ({
    appSecretId: env.FERRY_APP_SECRET_ID,
    bucket: env.FERRY_BUCKET,
    queueUrl: env.FERRY_QUEUE_URL,
    probotLogLevel: env.FERRY_PROBOT_LOG_LEVEL,
    region: env.AWS_REGION,
    /** REST API root; undefined for github.com (Octokit's default). */
    baseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}/api/v3` : undefined,
    agentAppIds: (env.FERRY_AGENT_APP_IDS ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map(Number),
  })),
);

export type WorkerConfig = z.output<typeof workerConfigSchema>;
