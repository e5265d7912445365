import { stringify } from 'yaml';

/** Small manifest builders for agent tests (YAML text, as a repository holds it). */
export function configMap(
  name: string,
  data: Record<string, string> = { key: 'value' },
  extra: Record<string, unknown> = {},
): string {
  return stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data });
}

export function deployment(
  name: string,
  opts: { image?: string; replicas?: number; annotations?: Record<string, string> } = {},
): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'server', image: opts.image ?? 'ghcr.io/acme/server:1.0.0' }] },
      },
    },
  });
}

export function job(
  name: string,
  opts: { image?: string; annotations?: Record<string, string> } = {},
): string {
  return stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      template: {
        metadata: { labels: { job: name } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'train', image: opts.image ?? 'ghcr.io/acme/train:1.0.0' }],
        },
      },
    },
  });
}

export function namespace(name: string): string {
  return stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** `.github/ferry.yml` in the real format (a list of targets), from a name → options map. */
export function ferryConfig(targets: Record<string, Record<string, unknown>>): string {
  return stringify({
    kubernetesVersion: '1.34',
    targets: Object.entries(targets).map(([name, t]) => ({ name, ...t })),
  });
}
