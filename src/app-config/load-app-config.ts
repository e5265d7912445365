/**
 * The GitHub App's server configuration, read from the environment in one place. Variables are
 * Probot's standard ones (https://probot.github.io/docs/configuration/), so a Probot deployment's
 * `.env` works unchanged. Every missing or bad variable is reported at once.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { privateKeyProblem } from './private-key-problem.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface AppConfig {
  appId: number;
  /** PEM text of the App's private key. */
  privateKey: string;
  webhookSecret: string;
  port: number;
  /** Interface to listen on; undefined listens on all (Node's default). */
  host?: string;
  logLevel: LogLevel;
  /** REST API root: `https://api.github.com`, or `<GHE_PROTOCOL>://<GHE_HOST>/api/v3` on GitHub Enterprise Server. */
  baseUrl: string;
  /** Probot's (and @octokit/webhooks') default path. */
  webhookPath: string;
  /**
   * Other GitHub Apps whose `ferry/live: TARGET` check runs the App trusts (FERRY_AGENT_APP_IDS): the
   * agents' own Apps, when they do not report with this App's credentials.
   */
  agentAppIds?: number[];
}

/** The environment does not describe a runnable App: `problems` lists every variable at fault. */
export class AppConfigError extends Error {
  override name = 'AppConfigError';
  constructor(readonly problems: string[]) {
    super(`configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const WEBHOOK_PATH = '/api/github/webhooks';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const EnvSchema = z.object({
  APP_ID: z
    .string({ error: 'APP_ID is missing: the App ID from the GitHub App settings page' })
    .regex(/^[1-9]\d*$/, 'APP_ID must be a positive integer (the App ID, not the client ID)'),
  WEBHOOK_SECRET: z.string({
    error: 'WEBHOOK_SECRET is missing: the webhook secret set in the GitHub App settings',
  }),
  PORT: z
    .string()
    .regex(/^\d+$/, 'PORT must be a port number (0-65535)')
    .transform(Number)
    .refine((n) => n <= 65_535, 'PORT must be a port number (0-65535)')
    .default(3000),
  HOST: z.string().optional(),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  GHE_HOST: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]+(:\d+)?$/,
      'GHE_HOST must be a host name such as github.example.com (no protocol, no path)',
    )
    .optional(),
  GHE_PROTOCOL: z.enum(['https', 'http'], { error: 'GHE_PROTOCOL must be https or http' }).optional(),
  FERRY_AGENT_APP_IDS: z
    .string()
    .regex(
      /^\s*[1-9]\d*\s*(,\s*[1-9]\d*\s*)*$/,
      'FERRY_AGENT_APP_IDS must be App IDs separated by commas, such as 12345,67890',
    )
    .optional(),
});

const PEM = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/;

/** Reads the App's configuration; throws AppConfigError naming every missing or bad variable. */
export function loadAppConfig(
  env: NodeJS.ProcessEnv = process.env,
  opts: { readFile?: (path: string) => string } = {},
): AppConfig {
  // An empty variable is a missing one: `APP_ID=` in a .env file should not pass as set.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const problems: string[] = [];
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => issue.message));
  const privateKey = readPrivateKey(present, opts.readFile ?? ((p) => readFileSync(p, 'utf8')), problems);
  if (present.GHE_PROTOCOL && !present.GHE_HOST) {
    problems.push('GHE_PROTOCOL is set but GHE_HOST is not: set both for GitHub Enterprise Server');
  }
  if (!parsed.success || privateKey === undefined || problems.length > 0) throw new AppConfigError(problems);
  const v = parsed.data;
  return {
    appId: Number(v.APP_ID),
    privateKey,
    webhookSecret: v.WEBHOOK_SECRET,
    port: v.PORT,
    ...(v.HOST ? { host: v.HOST } : {}),
    logLevel: v.LOG_LEVEL,
    baseUrl: v.GHE_HOST ? `${v.GHE_PROTOCOL ?? 'https'}://${v.GHE_HOST}/api/v3` : 'https://api.github.com',
    webhookPath: WEBHOOK_PATH,
    agentAppIds: parseAppIds(v.FERRY_AGENT_APP_IDS),
  };
}

/** `12345, 67890` → [12345, 67890]; absent → []. */
export function parseAppIds(text: string | undefined): number[] {
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
}

function readPrivateKey(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string,
  problems: string[],
): string | undefined {
  let text: string;
  let source: string;
  if (env.PRIVATE_KEY) {
    text = env.PRIVATE_KEY;
    source = 'PRIVATE_KEY';
  } else if (env.PRIVATE_KEY_PATH) {
    source = 'PRIVATE_KEY_PATH';
    try {
      text = readFile(env.PRIVATE_KEY_PATH);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      problems.push(`PRIVATE_KEY_PATH: cannot read ${env.PRIVATE_KEY_PATH} (${code})`);
      return undefined;
    }
  } else {
    problems.push('PRIVATE_KEY or PRIVATE_KEY_PATH is missing: the App private key (.pem) or a path to it');
    return undefined;
  }
  const key = normalisePrivateKey(text);
  if (!key) {
    // Never echo the value: it is a secret, even when malformed.
    problems.push(`${source} is not a PEM private key (expected -----BEGIN RSA PRIVATE KEY-----)`);
    return undefined;
  }
  const problem = privateKeyProblem(key, source);
  if (problem) {
    problems.push(problem);
    return undefined;
  }
  return key;
}

/**
 * Accepts the forms Probot accepts: PEM text, PEM with literal `\n` (single-line env files), or
 * base64 of the PEM (platforms without multi-line variables).
 */
function normalisePrivateKey(text: string): string | undefined {
  const unescaped = text.replace(/\\n/g, '\n').trim();
  if (PEM.test(unescaped)) return `${unescaped}\n`;
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8').trim();
    if (PEM.test(decoded)) return `${decoded}\n`;
  }
  return undefined;
}
