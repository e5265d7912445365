/**
 * The stack's configuration, from CDK context (cdk.json, or `-c key=value` on the command line).
 * Every key has a documented default (docs/deploy-aws.md), so `npx cdk synth` works on a fresh clone.
 */
import { z } from 'zod';

export interface ClusterConfig {
  /** EKS cluster name. */
  name: string;
  /** Defaults to the stack's region. */
  region?: string;
  /** Defaults to the stack's account. */
  accountId?: string;
}

export interface StackConfig {
  stackName: string;
  /** Undefined: the CLI's default region (CDK_DEFAULT_REGION), or an environment-agnostic template offline. */
  region?: string;
  clusters: ClusterConfig[];
  /** SNS topic the dead-letter alarm notifies; none by default (the alarm still shows in CloudWatch). */
  alarmTopicArn?: string;
  /** GitHub Enterprise Server the App lives on; undefined for github.com. */
  github?: GitHubServerConfig;
  /**
   * Reserved concurrency of the webhook function: the most copies that run at once, so a flood of
   * (unsigned) requests to the public Function URL cannot scale cost without bound. Undefined: no
   * reservation (`none`), for accounts whose concurrency quota is too small to reserve from.
   */
  webhookConcurrency?: number;
  /** Other GitHub Apps (the agents', when they run as their own App) whose live check runs the worker trusts. */
  agentAppIds?: number[];
}

export interface GitHubServerConfig {
  /** Host (and port), e.g. `github.example.com`: the worker calls `<protocol>://<host>/api/v3`. */
  host: string;
  protocol: 'https' | 'http';
}

export const CONTEXT_KEYS = {
  stackName: 'ferry:stackName',
  region: 'ferry:region',
  clusters: 'ferry:clusters',
  alarmTopicArn: 'ferry:alarmTopicArn',
  gheHost: 'ferry:gheHost',
  gheProtocol: 'ferry:gheProtocol',
  webhookConcurrency: 'ferry:webhookConcurrency',
  agentAppIds: 'ferry:agentAppIds',
} as const;

/** Ten webhook invocations at once (each answers in well under a second) is ample for GitHub's rate. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 10;

export const DEFAULT_STACK_NAME = 'Ferry';

/** `-c key=[…]` arrives as a string; cdk.json values arrive parsed. */
const jsonOrValue = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    // Not JSON after all: let the schema report it as the wrong type.
    return value;
  }
};

const clusterSchema = z.strictObject({
  // EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric.
  name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'not a valid EKS cluster name'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region')
    .optional(),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'not a 12-digit AWS account id')
    .optional(),
});

const contextSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'not a valid CloudFormation stack name')
    .default(DEFAULT_STACK_NAME),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region')
    .optional(),
  clusters: z.preprocess(jsonOrValue, z.array(clusterSchema)).default([]),
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'not an SNS topic ARN')
    .optional(),
  gheHost: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'not a host name such as github.example.com (no protocol, no path)')
    .optional(),
  gheProtocol: z.enum(['https', 'http'], { error: 'must be https or http' }).optional(),
  // `-c ferry:webhookConcurrency=5` arrives as the string "5"; cdk.json gives a number.
  webhookConcurrency: z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value),
      z.union([z.literal('none'), z.number().int().min(1, 'must be a whole number of at least 1, or none')], {
        error: 'must be a whole number of at least 1, or none',
      }),
    )
    .default(DEFAULT_WEBHOOK_CONCURRENCY),
  // `-c ferry:agentAppIds=[123,456]` or a cdk.json array of App IDs.
  agentAppIds: z
    .preprocess(
      jsonOrValue,
      z.array(z.number().int().positive(), { error: 'must be a list of App IDs such as [12345]' }),
    )
    .optional(),
});

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

/** Reads and checks the context; every problem is reported at once, naming the context key. */
export function loadStackConfig(
  tryGetContext: (key: string) => unknown,
  env: Record<string, string | undefined> = process.env,
): StackConfig {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_KEYS).map(([field, key]) => [field, tryGetContext(key) ?? undefined]),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const [field, ...rest] = issue.path.map(String);
      const key = CONTEXT_KEYS[field as keyof typeof CONTEXT_KEYS] ?? field;
      return `${[key, ...rest].join('.')}: ${issue.message}`;
    });
    throw new StackConfigError(`bad CDK context: ${problems.join('; ')}`);
  }
  const config = result.data;
  const names = config.clusters.map((c) => `${c.accountId ?? ''}/${c.region ?? ''}/${c.name}`);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate)
    throw new StackConfigError(`bad CDK context: ${CONTEXT_KEYS.clusters} lists ${duplicate} twice`);
  if (config.gheProtocol && !config.gheHost)
    throw new StackConfigError(
      `bad CDK context: ${CONTEXT_KEYS.gheProtocol} is set but ${CONTEXT_KEYS.gheHost} is not: set the host of your GitHub Enterprise Server`,
    );
  const region = config.region ?? env.CDK_DEFAULT_REGION;
  return {
    stackName: config.stackName,
    clusters: config.clusters,
    ...(region ? { region } : {}),
    ...(config.alarmTopicArn ? { alarmTopicArn: config.alarmTopicArn } : {}),
    ...(config.gheHost ? { github: { host: config.gheHost, protocol: config.gheProtocol ?? 'https' } } : {}),
    ...(config.webhookConcurrency === 'none' ? {} : { webhookConcurrency: config.webhookConcurrency }),
    ...(config.agentAppIds?.length ? { agentAppIds: config.agentAppIds } : {}),
  };
}
