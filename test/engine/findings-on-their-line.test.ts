import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/engine/check-target.ts';
import { renderCheckRun } from '../../src/report/render-check-run.ts';
import { renderComment } from '../../src/report/render-comment.ts';
import type { Finding, Target } from '../../src/types.ts';

/**
 * A held-out-style AI repository: KServe + Istio + a GPU Deployment (plain), a GPU Deployment with
 * kustomize overlays (staging, prod with a patch, a broken one), a Helm chart, and a folder where one
 * file does not parse next to a plaintext Secret. Every finding must be on its field's line.
 */
const root = fileURLToPath(new URL('../fixtures/engine/ai-repo', import.meta.url));

function target(path: string): Target {
  return {
    name: path,
    path,
    branch: 'main',
    schemas: [],
    prune: false,
    maxPruneShare: 0.5,
    autoRollback: false,
    selfHeal: false,
    healthTimeoutSeconds: 300,
  };
}

async function check(path: string) {
  return checkTarget({ root, target: target(path), kubernetesVersion: '1.34' });
}

/** `file:line rule` for every finding that is not about a missing CRD schema. */
function where(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => !f.message.startsWith('not validated: no schema'))
    .map((f) => `${f.file}:${f.line} ${f.rule}`);
}

describe('every finding on the line of the field that caused it', () => {
  it('plain files: the field line in each document', async () => {
    const result = await check('plain');
    expect(where(result.findings)).toEqual([
      'plain/inference.yaml:7 model-requests',
      'plain/inference.yaml:27 schema',
    ]);
  });

  it('kustomize: base fields at the base file line, in staging and prod alike', async () => {
    for (const overlay of ['staging', 'prod']) {
      const result = await check(`k8s/overlays/${overlay}`);
      expect(result.failed).toBe(false);
      expect(where(result.findings)).toContain('k8s/base/llm-deployment.yaml:21 schema');
      // The container's resources block (line 18), not the document start.
      expect(where(result.findings)).toContain('k8s/base/llm-deployment.yaml:18 model-requests');
    }
  });

  it('kustomize: a field a patch sets points at the patch file and line', async () => {
    const result = await check('k8s/overlays/prod');
    const probe = result.findings.filter((f) => f.message.includes('livenessProbe'));
    expect(probe.map((f) => `${f.file}:${f.line}`)).toEqual([
      'k8s/overlays/prod/gpu.yaml:14',
      'k8s/overlays/prod/gpu.yaml:15',
    ]);
    expect(probe[1]?.message).toContain('did you mean "port"?');
  });

  it('helm: the template file and line of the field', async () => {
    const result = await check('chart');
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'chart/templates/deployment.yaml',
        line: 20,
        message: expect.stringContaining('resource: unknown field (did you mean "resources"?)'),
      }),
    ]);
  });

  it('check-run annotations and the comment use those lines', async () => {
    const prod = await check('k8s/overlays/prod');
    const changeSet = {
      target: 'prod',
      changes: [],
      summary: [],
      findings: prod.findings,
      renderFailed: false,
    };
    const { annotations } = renderCheckRun({ headSha: 'a'.repeat(40), changeSets: [changeSet] });
    expect(annotations.map((a) => `${a.path}:${a.start_line}-${a.end_line}`)).toEqual(
      expect.arrayContaining(['k8s/base/llm-deployment.yaml:21-21', 'k8s/overlays/prod/gpu.yaml:15-15']),
    );
    expect(renderComment({ headSha: 'a'.repeat(40), changeSets: [changeSet] })).toContain(
      '`k8s/overlays/prod/gpu.yaml:15`',
    );
  });
});

describe('nothing hidden', () => {
  it('a failing kustomize render is reported at the patch line with a did-you-mean and the tool message in full, and still checks its sources', async () => {
    const result = await check('k8s/overlays/broken');
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    const render = result.findings.find((f) => f.rule === 'render');
    expect(render).toMatchObject({
      file: 'k8s/overlays/broken/patch.yaml',
      line: 4,
      message:
        'patch targets Deployment "lllm", which no resource of this kustomization declares: did you mean "llm"?',
    });
    expect(render?.detail).toMatch(
      /^error: no resource matches strategic merge patch "Deployment\.v1\.apps\/lllm/,
    );
    expect(render?.detail).not.toMatch(/ferry-kustomize-|\/fixtures\//);
    // The base's own mistakes are still found, on their lines.
    expect(where(result.findings)).toEqual([
      'k8s/overlays/broken/patch.yaml:4 render',
      'k8s/base/llm-deployment.yaml:18 model-requests',
      'k8s/base/llm-deployment.yaml:21 schema',
    ]);
    expect(result.checked).toBe(1);
  });

  it('one unparseable file does not hide a plaintext Secret in another', async () => {
    const result = await check('mixed');
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(where(result.findings)).toEqual([
      'mixed/broken.yaml:7 parse',
      'mixed/secret.yaml:5 plaintext-secret',
    ]);
    // And the Secret's value never reaches a message.
    expect(JSON.stringify(result.findings)).not.toContain('hunter2');
  });
});
