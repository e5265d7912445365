/**
 * An error and its causes, outermost first (`cause` after `cause`, each once: a cycle ends it). What a
 * client library wrapped (client-node's discovery around a fetch error, a SignalError around a
 * KubeApiError) is read through here by the CLI's error edge and describeClusterError.
 */
export function* causeChain(err: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    yield cur as Record<string, unknown>;
    cur = (cur as { cause?: unknown }).cause;
  }
}
