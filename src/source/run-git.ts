import { spawn } from 'node:child_process';
import { GitCommandError } from './source-errors.ts';

/** Environment for git: no prompts, no pager, no system or global config changing what we read. */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  };
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git -C repoDir args…` to completion and returns its output; exit codes are the caller's to judge. */
export async function runGit(repoDir: string, args: readonly string[]): Promise<GitResult> {
  const result = await runGitBytes(repoDir, args);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** runGit with stdout as bytes (a blob's content is not always text). */
export function runGitBytes(
  repoDir: string,
  args: readonly string[],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repoDir, ...args], {
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => reject(new GitCommandError(args, '', { cause: e })));
    child.once('close', (code) => {
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
