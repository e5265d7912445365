/**
 * What the CLI says about an error that reached its edge: a user or environment problem (a bad path,
 * a missing flag, no credentials, an unreachable cluster or GitHub, a malformed kubeconfig) is one line
 * saying what to do; anything else is Ferry's own bug and says where to report it.
 */
import { causeChain } from '../signal/cause-chain.ts';
import { describeClusterError } from '../signal/describe-cluster-error.ts';
import { UsageError } from './usage-error.ts';

export interface CliErrorDescription {
  /** One line (no stack, no newline). */
  message: string;
  /** True for Ferry's own bugs: printed with where to report them. */
  internal: boolean;
}

/** Errors that describe the user's input or machine, by class name (the classes live in adapters). */
const USER_ERRORS = new Set([
  'UsageError',
  'InvalidConfigError',
  'PathNotFoundError',
  'RevisionNotFoundError',
  'NotACommitError',
  'GitCommandError',
  'BinaryNotFoundError',
  'TempDirError',
  'RenderLimitError',
  'UnreadableInputError',
  'SourceTooLargeError',
  'UnsafeArchiveError',
  'InvalidArchiveError',
  'AppConfigError',
  'AgentEnvError',
  'SignalError',
  'PreviewSignalError',
  'EksClusterError',
  'KubeconfigError',
  'GitHubRequestError',
]);

/** Network failures by errno code, with what they mean in words. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not name the host',
};

/** Errors the AWS SDK raises when no credentials could be found anywhere. */
const AWS_CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);

/** A message of several lines (a tool's stderr, an SDK's list) as one, its lines joined by '; '. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^- /, ''))
    .filter(Boolean)
    .join('; ')
    .replace(/:;/g, ':');
}

function networkProblem(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    const found =
      code && NETWORK_CODES[code] ? code : Object.keys(NETWORK_CODES).find((c) => message.includes(c));
    if (!found) continue;
    const where =
      (typeof e.address === 'string'
        ? `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}`
        : undefined) ??
      (typeof e.hostname === 'string' ? e.hostname : undefined) ??
      /(?:request to|connect \w+) (\S+?)(?: failed|,|$)/.exec(message)?.[1];
    return `cannot reach ${where ?? 'the server'}: ${NETWORK_CODES[found]}`;
  }
  return undefined;
}

/** A server that cannot listen: a port in use or reserved, an address not on this machine. */
function listenProblem(err: Error, command: string): string | undefined {
  const e = err as NodeJS.ErrnoException & { port?: unknown; address?: unknown };
  if (e.syscall !== 'listen') return undefined;
  const port = typeof e.port === 'number' ? e.port : '?';
  const other =
    command === 'agent'
      ? 'pass --metrics-port with a free port (0 turns /metrics and /healthz off)'
      : 'set PORT to a free port';
  if (e.code === 'EADDRINUSE')
    return `port ${port} is already in use by another process: stop it, or ${other}`;
  if (e.code === 'EACCES') return `port ${port} needs privileges this user lacks: ${other} (above 1023)`;
  if (e.code === 'EADDRNOTAVAIL') {
    return `address ${String(e.address)} is not on this machine: ${command === 'serve' ? 'set HOST to one of its addresses' : 'use one of its addresses'}`;
  }
  return undefined;
}

/** What to check when a server cannot be reached: the cluster's address (naming only this command's flags), else the network. */
function networkHint(err: unknown, command: string): string {
  const fromCluster = [...causeChain(err)].some((e) => e.name === 'KubeApiError');
  if (!fromCluster && command !== 'sync') return 'check the address and your network';
  // Only `ferry sync` can name an EKS cluster instead of a kubeconfig.
  const where = command === 'sync' ? 'your kubeconfig (or --eks-cluster/--region)' : 'your kubeconfig';
  return `check the cluster address in ${where} and that this machine can reach it`;
}

export function describeCliError(err: unknown, command: string): CliErrorDescription {
  if (!(err instanceof Error)) return { message: String(err), internal: true };
  if (err instanceof UsageError) {
    return { message: `${oneLine(err.message)} (see 'ferry ${command} --help')`, internal: false };
  }
  if (USER_ERRORS.has(err.name)) return { message: oneLine(err.message), internal: false };
  if (
    AWS_CREDENTIAL_ERRORS.has(err.name) ||
    /Could not load credentials from any providers/.test(err.message)
  ) {
    return {
      message:
        'no AWS credentials found: set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --kubeconfig instead of --eks-cluster',
      internal: false,
    };
  }
  // Credentials a kubeconfig could not give, however deep client-node and discovery wrapped them.
  for (const e of causeChain(err)) {
    if (e.name === 'KubeCredentialError' && typeof e.line === 'string') {
      return { message: oneLine(e.line), internal: false };
    }
  }
  const status = (err as { code?: unknown }).code;
  if (err.name === 'KubeApiError' && (status === 401 || status === 403)) {
    return {
      message: `${oneLine(err.message)}; check the kubeconfig's credentials and that its user has Ferry's RBAC (docs/agent.md)`,
      internal: false,
    };
  }
  const cluster = describeClusterError(err);
  if (cluster) return { message: cluster, internal: false };
  const listen = listenProblem(err, command);
  if (listen) return { message: listen, internal: false };
  const network = networkProblem(err);
  if (network) return { message: `${network}; ${networkHint(err, command)}`, internal: false };
  return { message: oneLine(err.message), internal: true };
}
