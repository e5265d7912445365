/**
 * What a failed Kubernetes API request says about the user's cluster or kubeconfig, in one line naming
 * the server and what to do. One wording for every command that talks to a cluster (`ferry sync`,
 * `ferry preview`, `ferry agent`) and for the signal's refusals, so a failure reads the same everywhere.
 * Pure, and without a runtime import of the client: the CLI's error edge loads it on every failure.
 */
import { causeChain } from './cause-chain.ts';
import type { KubeApiError } from './kube-object-client.ts';

/** How a cluster gets Ferry's CRDs, RBAC and agent. */
export const INSTALL_AGENT = 'kubectl apply -k infra/agent';

/** Ferry's own kinds (group ferry.dev) and the CRDs that serve them. */
const FERRY_CRDS: Record<string, string> = { Sync: 'syncs.ferry.dev', Preview: 'previews.ferry.dev' };

export function describeMissingCrd(kind: string, resource: string): string {
  return `the ${kind} CRD (${resource}) is not installed: ${INSTALL_AGENT}`;
}

/** The first KubeApiError in the error's `cause` chain (a SignalError wraps one), by name. */
function findKubeApiError(err: unknown): KubeApiError | undefined {
  for (const e of causeChain(err)) {
    if (e instanceof Error && e.name === 'KubeApiError') return e as unknown as KubeApiError;
  }
  return undefined;
}

/** A TLS client meeting a plain-HTTP port: OpenSSL's "wrong version number" (EPROTO). */
function isPlainHttpBehindHttps(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (!(e instanceof Error)) continue;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(e.message)) return true;
  }
  return false;
}

/** client-node prefixes discovery failures with this; the server's own words follow it. */
function detailOf(err: KubeApiError): string {
  return err.message.replace(/^(?:discovery of [^:]+: )?Failed to fetch resource metadata for [^:]+: /, '');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'the deadline' : `${Math.round(ms / 100) / 10}s`;
}

/**
 * One line for a cluster problem that is the user's or the environment's to fix: an HTML page where
 * the API belongs, TLS against a plain-HTTP port, no answer in time, Ferry's CRDs missing, a server
 * error. Undefined for anything else, including plain network failures (refused, host not found),
 * which the caller words with its own hint.
 */
export function describeClusterError(err: unknown): string | undefined {
  const e = findKubeApiError(err);
  if (!e) return undefined;
  const server = e.server ?? 'the configured address';
  if (e.reason === 'HtmlPage') {
    return `the server at ${server} answered with an HTML page, not the Kubernetes API: check the server address in the kubeconfig, and any proxy in between (a login page?)`;
  }
  if (e.reason === 'NotKubernetes') {
    return `the server at ${server} answered with something other than the Kubernetes API (not JSON): check the server address in the kubeconfig`;
  }
  if (e.code === 0 && isPlainHttpBehindHttps(e)) {
    return `TLS handshake with ${server} failed: the address may be plain http (check the scheme and port of the server in the kubeconfig)`;
  }
  if (e.code === 0 && e.reason === 'Timeout') {
    return `no answer from the API server at ${server} within ${seconds(e.timeoutMs)}: check the server address in the kubeconfig and that this machine can reach it`;
  }
  if (e.code === 404 && e.discovery) {
    const { apiVersion, kind } = e.discovery;
    const crd = apiVersion.startsWith('ferry.dev/') ? FERRY_CRDS[kind] : undefined;
    if (crd) return describeMissingCrd(kind, crd);
    return `the API server at ${server} does not serve ${apiVersion} ${kind} (HTTP 404): install the CRD that defines it`;
  }
  if (e.code >= 500 || e.code === 429) {
    return `the API server at ${server} answered HTTP ${e.code} (${e.reason}): ${detailOf(e)}; try again later, or check the cluster's health (kubectl get --raw /readyz)`;
  }
  return undefined;
}
