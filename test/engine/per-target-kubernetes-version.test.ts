import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import type { FerryConfig, Target } from '../../src/types.ts';

// Staging runs a newer cluster than production; a chart and a removed API must each get their answer.
const CONFIG = `kubernetesVersion: "1.33"
targets:
  - name: legacy
    path: plain
    kubernetesVersion: "1.21"
  - name: current
    path: plain
  - name: chart-old
    path: chart
    kubernetesVersion: "1.27"
  - name: chart-new
    path: chart
    helm:
      apiVersions: [monitoring.coreos.com/v1]
`;

// policy/v1beta1 PodDisruptionBudget: served through 1.24, removed in 1.25.
const PDB = `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: ml
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: api}
`;

// A chart that branches on .Capabilities, as many public charts do.
const TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: caps
  namespace: ml
data:
  kubeMinor: {{ .Capabilities.KubeVersion.Minor | quote }}
  monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
`;

let root: string;
let config: FerryConfig;
const target = (name: string): Target => {
  const t = config.targets.find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ferry-kube-version-'));
  const files: Record<string, string> = {
    'plain/pdb.yaml': PDB,
    'chart/Chart.yaml': 'apiVersion: v2\nname: caps\nversion: 0.1.0\n',
    'chart/templates/caps.yaml': TEMPLATE,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const parsed = parseConfig(CONFIG);
  expect(parsed.findings).toEqual([]);
  config = parsed.config;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('kubernetesVersion per target', () => {
  it('reads a target version and keeps the top-level one as the default', () => {
    expect(config.kubernetesVersion).toBe('1.33');
    expect(target('legacy').kubernetesVersion).toBe('1.21');
    expect(target('current').kubernetesVersion).toBeUndefined();
    expect(target('chart-new').helm?.apiVersions).toEqual(['monitoring.coreos.com/v1']);
  });

  it('checks removed APIs against each target its own version', async () => {
    const check = (name: string) =>
      checkTarget({ root, target: target(name), kubernetesVersion: config.kubernetesVersion });
    const legacy = await check('legacy');
    const current = await check('current');
    const removed = (findings: { rule: string; severity: string }[]) =>
      findings.filter((f) => f.rule === 'deprecated-api' && f.severity === 'error');
    expect(removed(legacy.findings)).toEqual([]);
    expect(removed(current.findings)).toEqual([
      expect.objectContaining({ file: 'plain/pdb.yaml', message: expect.stringContaining('policy/v1beta1') }),
    ]);
  });

  it("passes the target's version and API versions to helm template", async () => {
    const data = async (name: string, kubernetesVersion?: string) => {
      const r = await renderTarget({
        root,
        target: target(name),
        ...(kubernetesVersion ? { kubernetesVersion } : {}),
      });
      expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      return r.resources[0]?.object.data as Record<string, string>;
    };
    expect(await data('chart-old', config.kubernetesVersion)).toEqual({
      kubeMinor: '27',
      monitoring: 'false',
    });
    expect(await data('chart-new', config.kubernetesVersion)).toEqual({
      kubeMinor: '33',
      monitoring: 'true',
    });
  });

  it('refuses a malformed target version or API version with the line', () => {
    const { findings } = parseConfig(
      'targets:\n  - name: a\n    kubernetesVersion: 1.3\n    helm:\n      apiVersions: ["not an api"]\n',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        line: 3,
        message: expect.stringContaining('kubernetesVersion: must be a quoted string'),
      }),
      expect.objectContaining({ line: 5, message: expect.stringContaining('must be an API version') }),
    ]);
  });
});
