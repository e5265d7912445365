import type { Resource } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';

/**
 * Discovery for the kinds of a render: `apiVersion|kind` → namespaced, for the kinds the cluster
 * serves (kinds it does not serve are absent). One lookup per kind; the client caches discovery.
 */
export async function resolveScopes(
  client: ClusterClient,
  resources: readonly Resource[],
): Promise<Map<string, boolean>> {
  const scopes = new Map<string, boolean>();
  const seen = new Set<string>();
  for (const r of resources) {
    const key = `${r.object.apiVersion}|${r.object.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const info = await client.getResourceInfo(r.object.apiVersion, r.object.kind);
    if (info) scopes.set(key, info.namespaced);
  }
  return scopes;
}
