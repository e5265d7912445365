import { execFileSync, spawn } from 'node:child_process';
import { GitCommandError } from './source-errors.ts';

/**
 * Environment for git: no prompts, no pager, no system or global config changing what we read, except
 * (once git has refused a repository as another user's) the folders the user trusts (safe.directory):
 * without them git refuses a repository another user owns (a CI container's checkout, a shared clone)
 * even after the user ran the `git config --global --add safe.directory` git tells them to.
 */
export function gitEnv(
  env: NodeJS.ProcessEnv = process.env,
  trust = trustSafeDirectories,
): NodeJS.ProcessEnv {
  const trusted = trust ? safeDirectoriesOf(env) : [];
  // GIT_CONFIG_COUNT entries are command-line scope, which git honours for safe.directory (a
  // repository's own config is not). The user's own entries, if any, come first.
  const count = Number(env.GIT_CONFIG_COUNT) || 0;
  const safe: NodeJS.ProcessEnv = {};
  trusted.forEach((dir, i) => {
    safe[`GIT_CONFIG_KEY_${count + i}`] = 'safe.directory';
    safe[`GIT_CONFIG_VALUE_${count + i}`] = dir;
  });
  if (trusted.length > 0) safe.GIT_CONFIG_COUNT = String(count + trusted.length);
  return {
    ...env,
    ...safe,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  };
}

/**
 * Set once git refuses a repository as another user's ("dubious ownership"): from then on the user's
 * safe.directory entries are passed (reading them costs a git process, which most runs never need).
 */
let trustSafeDirectories = false;

/**
 * After git refused a repository: whether running the command again is worth it, because git refused
 * it as another user's while the user's safe.directory entries were not passed (`trustedWhenRun`, what
 * trustingSafeDirectories said when it started). From then on they are passed (gitEnv).
 */
export function trustAfterRefusal(stderr: string, trustedWhenRun: boolean): boolean {
  if (trustedWhenRun || !/dubious ownership/.test(stderr)) return false;
  trustSafeDirectories = true;
  return true;
}

/** Whether gitEnv passes the user's safe.directory entries now. */
export function trustingSafeDirectories(): boolean {
  return trustSafeDirectories;
}

const safeDirectories = new Map<string, string[]>();

/** safe.directory in the user's system and global git config (read once per environment's HOME). */
function safeDirectoriesOf(env: NodeJS.ProcessEnv): string[] {
  const key = `${env.HOME}\0${env.GIT_CONFIG_GLOBAL}\0${env.XDG_CONFIG_HOME}`;
  const known = safeDirectories.get(key);
  if (known) return known;
  let found: string[] = [];
  try {
    const out = execFileSync('git', ['config', '--show-scope', '--get-all', 'safe.directory'], {
      cwd: '/',
      env: { ...env, LC_ALL: 'C', GIT_DIR: '/dev/null' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Only the scopes git itself trusts for this key: never a repository's own config.
    found = out
      .split('\n')
      .map((line) => /^(system|global)\t(.*)$/.exec(line)?.[2])
      .filter((dir): dir is string => dir !== undefined && dir !== '');
  } catch (err) {
    // None set (git exits 1), or no git: the git commands that follow say so themselves.
    if (!(err instanceof Error)) throw err;
  }
  safeDirectories.set(key, found);
  return found;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `git -C repoDir args…` to completion and returns its output; exit codes are the caller's to judge.
 * `input` is written to its standard input (else it has none).
 */
export async function runGit(repoDir: string, args: readonly string[], input?: string): Promise<GitResult> {
  const result = await runGitBytes(repoDir, args, input);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** runGit with stdout as bytes (a blob's content is not always text). */
export function runGitBytes(
  repoDir: string,
  args: readonly string[],
  input?: string,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Two commands may run at once: each judges a refusal by the environment it ran with.
    const trusted = trustSafeDirectories;
    const child = spawn('git', ['-C', repoDir, ...args], { env: gitEnv(), stdio: 'pipe' });
    child.stdin.on('error', () => {
      // git stopped reading (it failed): its exit code and stderr say why.
    });
    // No input: an empty, closed standard input, as 'ignore' gave.
    child.stdin.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => reject(new GitCommandError(args, '', { cause: e })));
    child.once('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      // Refused as another user's: once more with the folders the user trusts (gitEnv).
      if (code !== 0 && trustAfterRefusal(stderr, trusted)) {
        runGitBytes(repoDir, args, input).then(resolve, reject);
        return;
      }
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr });
    });
  });
}
