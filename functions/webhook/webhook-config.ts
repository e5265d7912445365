import * as z from 'zod/mini';

/** The webhook function's environment (set by infra/ferry-stack.ts). */
export const webhookConfigSchema = z.pipe(
  z.object({
    /** ARN of the webhook secret (the ARN is not secret; the value stays in Secrets Manager). */
    FERRY_WEBHOOK_SECRET_ID: z.string().check(z.minLength(1)),
    FERRY_QUEUE_URL: z.url(),
    FERRY_BUCKET: z.string().check(z.minLength(3)),
  }),
  z.transform((env) => ({
    webhookSecretId: env.FERRY_WEBHOOK_SECRET_ID,
    queueUrl: env.FERRY_QUEUE_URL,
    bucket: env.FERRY_BUCKET,
  })),
);

export type WebhookConfig = z.output<typeof webhookConfigSchema>;
