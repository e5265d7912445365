/**
 * The agent's environment, read in one place: GitHub credentials (the App's APP_ID + PRIVATE_KEY or
 * PRIVATE_KEY_PATH, as `ferry serve` reads them, or a GITHUB_TOKEN), GitHub Enterprise and log level.
 * Every problem is reported at once.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { privateKeyProblem } from '../app-config/private-key-problem.ts';
import type { AgentTrust } from './admit-sync.ts';
import type { GitHubAuth } from './agent-github.ts';
import type { LogLevel } from './logger.ts';
import { parseDuration } from './parse-duration.ts';

export interface AgentEnv {
  auth: GitHubAuth;
  /** REST API root for GitHub Enterprise Server; undefined for github.com. */
  baseUrl?: string;
  logLevel: LogLevel;
}

export class AgentEnvError extends Error {
  override name = 'AgentEnvError';
  constructor(readonly problems: string[]) {
    super(`agent configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const EnvSchema = z.object({
  APP_ID: z
    .string()
    .regex(/^[1-9]\d*$/, 'APP_ID must be a positive integer (the App ID, not the client ID)')
    .optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  GITHUB_TOKEN: z.string().optional(),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'GHE_HOST must be a host name such as github.example.com')
    .optional(),
  GHE_PROTOCOL: z.enum(['https', 'http'], { error: 'GHE_PROTOCOL must be https or http' }).optional(),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], {
      error: 'LOG_LEVEL must be debug, info, warn, error or silent',
    })
    .default('info'),
});

const PEM = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/;

export function loadAgentEnv(
  env: NodeJS.ProcessEnv = process.env,
  opts: { readFile?: (path: string) => string } = {},
): AgentEnv {
  // An empty variable (an optional Secret key that is absent) is a missing one.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new AgentEnvError(parsed.error.issues.map((i) => i.message));
  const e = parsed.data;
  const problems: string[] = [];
  let privateKey = e.PRIVATE_KEY?.replaceAll('\\n', '\n');
  if (!privateKey && e.PRIVATE_KEY_PATH) {
    try {
      privateKey = (opts.readFile ?? ((p) => readFileSync(p, 'utf8')))(e.PRIVATE_KEY_PATH);
    } catch (err) {
      problems.push(
        `PRIVATE_KEY_PATH ${e.PRIVATE_KEY_PATH} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  let auth: GitHubAuth | undefined;
  if (e.APP_ID && privateKey) {
    const source = e.PRIVATE_KEY ? 'PRIVATE_KEY' : 'PRIVATE_KEY_PATH';
    if (!PEM.test(privateKey)) problems.push(`${source} is not a PEM private key`);
    else {
      const problem = privateKeyProblem(privateKey, source);
      if (problem) problems.push(problem);
    }
    auth = { appId: e.APP_ID, privateKey };
  } else if (e.GITHUB_TOKEN) {
    auth = { token: e.GITHUB_TOKEN };
  } else if (e.APP_ID) {
    problems.push('APP_ID is set but neither PRIVATE_KEY nor PRIVATE_KEY_PATH is');
  } else {
    problems.push('no GitHub credentials: set APP_ID and PRIVATE_KEY (the Ferry App), or GITHUB_TOKEN');
  }
  if (e.GHE_PROTOCOL && !e.GHE_HOST) problems.push('GHE_PROTOCOL is set but GHE_HOST is not');
  if (problems.length > 0 || !auth) throw new AgentEnvError(problems);
  return {
    auth,
    ...(e.GHE_HOST ? { baseUrl: `${e.GHE_PROTOCOL ?? 'https'}://${e.GHE_HOST}/api/v3` } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const TARGET = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * What the admin trusts, from the agent's install-time environment (infra/agent/deployment.yaml):
 * FERRY_REPOSITORIES (owner/repo, comma-separated, required) and FERRY_TARGETS (target names, optional).
 */
export function loadAgentTrust(env: NodeJS.ProcessEnv = process.env): AgentTrust {
  const problems: string[] = [];
  const repositories = listOf(env.FERRY_REPOSITORIES);
  if (repositories.length === 0)
    problems.push(
      'FERRY_REPOSITORIES is not set: list the repositories this agent deploys (owner/repo, comma-separated) in infra/agent/deployment.yaml',
    );
  for (const r of repositories)
    if (!REPOSITORY.test(r)) problems.push(`FERRY_REPOSITORIES: '${r}' is not owner/repo`);
  const targets = listOf(env.FERRY_TARGETS);
  for (const t of targets)
    if (!TARGET.test(t) || t.length > 63) problems.push(`FERRY_TARGETS: '${t}' is not a target name`);
  if (problems.length > 0) throw new AgentEnvError(problems);
  return { repositories, ...(targets.length > 0 ? { targets } : {}) };
}

/** How the agent runs live previews (issue 13). */
export interface PreviewSettings {
  /** Deadline for one preview's checks (FERRY_PREVIEW_TIMEOUT, default 120 s). */
  timeoutMs: number;
  /** Previews per repository per minute (FERRY_PREVIEW_RATE, default 6). */
  ratePerMinute: number;
}

export const DEFAULT_PREVIEW_SETTINGS: PreviewSettings = { timeoutMs: 120_000, ratePerMinute: 6 };

/** FERRY_PREVIEW_TIMEOUT (a duration: `90s`, `2m`) and FERRY_PREVIEW_RATE (a whole number ≥ 1). */
export function loadPreviewSettings(env: NodeJS.ProcessEnv = process.env): PreviewSettings {
  const problems: string[] = [];
  let { timeoutMs, ratePerMinute } = DEFAULT_PREVIEW_SETTINGS;
  const timeout = env.FERRY_PREVIEW_TIMEOUT?.trim();
  if (timeout) {
    const ms = parseDuration(timeout);
    if (ms === undefined || ms < 1000 || ms > 30 * 60_000)
      problems.push(
        `FERRY_PREVIEW_TIMEOUT must be a duration between 1s and 30m such as 120s or 2m (got '${timeout}')`,
      );
    else timeoutMs = ms;
  }
  const rate = env.FERRY_PREVIEW_RATE?.trim();
  if (rate) {
    if (!/^[1-9]\d{0,3}$/.test(rate))
      problems.push(
        `FERRY_PREVIEW_RATE must be a whole number of previews per repository per minute (got '${rate}')`,
      );
    else ratePerMinute = Number(rate);
  }
  if (problems.length > 0) throw new AgentEnvError(problems);
  return { timeoutMs, ratePerMinute };
}
