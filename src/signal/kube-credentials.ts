/**
 * A kubeconfig's credentials, got the way client-node gets them (a token, a client certificate, an exec
 * plugin such as `aws eks get-token`), with a failure to get them said as the user's problem it is: a
 * credential command that is not installed, that fails (an expired SSO session), or that prints no
 * credential.
 */
import type { KubeConfig, RequestContext } from '@kubernetes/client-node';

/** Credentials that could not be had: the kubeconfig's or the machine's to fix, never Ferry's bug. */
export class KubeCredentialError extends Error {
  override name = 'KubeCredentialError';
  /** The one line to show (client-node prefixes `message` when the failure happens in discovery). */
  readonly line: string;

  constructor(line: string, opts?: { cause?: unknown }) {
    super(line, opts);
    this.line = line;
  }
}

interface ExecConfig {
  command?: unknown;
  args?: unknown;
}

/** What a request authenticates with: `kubeConfig`, its failures turned into KubeCredentialError. */
export function credentialsOf(kubeConfig: KubeConfig): {
  getName(): string;
  applySecurityAuthentication(context: RequestContext): Promise<void>;
} {
  return {
    getName: () => kubeConfig.getName(),
    async applySecurityAuthentication(context) {
      try {
        await kubeConfig.applySecurityAuthentication(context);
      } catch (err) {
        throw describeCredentialFailure(kubeConfig, err);
      }
    },
  };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/** The failure as one line naming the kubeconfig user and, for an exec plugin, its command. */
function describeCredentialFailure(kubeConfig: KubeConfig, err: unknown): Error {
  if (err instanceof KubeCredentialError) return err;
  const user = kubeConfig.getCurrentUser();
  const who = `kubeconfig user '${user?.name ?? '(none)'}'`;
  const message = err instanceof Error ? err.message : String(err);
  const exec = (user?.exec ?? (user?.authProvider?.config as { exec?: unknown } | undefined)?.exec) as
    | ExecConfig
    | undefined;
  const unreadable = unreadableFile(kubeConfig, who, err);
  if (unreadable) return unreadable;
  if (!exec) {
    // A token file that cannot be read, an auth provider that fails: still the kubeconfig's.
    if ((err as NodeJS.ErrnoException)?.code || /token|auth|credential/i.test(message)) {
      return new KubeCredentialError(
        `${who}: cannot get its credentials: ${firstLine(message)}; fix the kubeconfig or pass --kubeconfig PATH to a working one`,
        { cause: err },
      );
    }
    return err instanceof Error ? err : new Error(message);
  }
  if (typeof exec.command !== 'string' || exec.command === '') {
    return new KubeCredentialError(
      `${who} has an exec section without a command: set users[].user.exec.command (e.g. 'aws', from 'aws eks update-kubeconfig')`,
      { cause: err },
    );
  }
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const shown = [exec.command, ...args].join(' ');
  const command = shown.length > 160 ? `${shown.slice(0, 157)}...` : shown;
  if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') {
    return new KubeCredentialError(
      `${who} gets its credentials by running '${exec.command}', which is not installed here (or not on PATH): install it (the AWS CLI, for a kubeconfig from 'aws eks update-kubeconfig'), or pass --kubeconfig PATH to one that works here`,
      { cause: err },
    );
  }
  if (err instanceof SyntaxError) {
    return new KubeCredentialError(
      `${who}: its credential command '${command}' printed no ExecCredential JSON (${firstLine(message)}); run it yourself to see what it prints`,
      { cause: err },
    );
  }
  const said = firstLine(message);
  return new KubeCredentialError(
    `${who}: its credential command '${command}' failed${said ? `: ${said}` : ' without saying why'}; run it yourself to fix it (e.g. 'aws sso login' for an expired session)`,
    { cause: err },
  );
}

/** A certificate, key or token file the kubeconfig names, missing or unreadable; else undefined. */
function unreadableFile(kubeConfig: KubeConfig, who: string, err: unknown): KubeCredentialError | undefined {
  const errno = err as NodeJS.ErrnoException;
  // A command that cannot be spawned has a `path` too: that is the exec plugin's case.
  if (typeof errno?.path !== 'string' || !errno.code || errno.syscall?.startsWith('spawn')) return undefined;
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  const field =
    errno.path === cluster?.caFile
      ? `cluster '${cluster.name}' certificate-authority`
      : errno.path === user?.certFile
        ? `${who} client-certificate`
        : errno.path === user?.keyFile
          ? `${who} client-key`
          : 'the kubeconfig';
  const why =
    errno.code === 'ENOENT' ? 'no such file' : errno.code === 'EACCES' ? 'permission denied' : errno.code;
  return new KubeCredentialError(
    `${field} names ${errno.path}, which cannot be read (${why}): fix the path in the kubeconfig, or pass --kubeconfig PATH to a working one`,
    { cause: err },
  );
}
