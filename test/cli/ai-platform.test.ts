import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../helpers/git-repo.ts';
import { runFerry } from '../helpers/run-ferry.ts';

/**
 * A held-out-style AI platform repository, end to end through the real `ferry` bin: KServe
 * (InferenceService + ServingRuntime), an Argo Rollout with canary steps and an AnalysisTemplate behind
 * an Istio VirtualService and DestinationRule, a GPU vLLM Deployment (`--model` arg, MODEL_REVISION
 * env), a fine-tuning Job with hyperparameter args, a kustomize base with staging and prod overlays
 * (each its own namespace; prod patches replicas and GPUs). `base/` is main, `head/` the PR.
 * Planted: an unpinned image in the base (both targets), a canary weight of 150 in the base (both
 * targets), a GPU request above its limit in a prod-only patch.
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'engine', 'ai-platform');

/** The 1-based line of the first line of the head fixture's `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(FIXTURE, 'head', file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line with ${text}`);
  return i + 1;
}

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  targets: string[];
}

let repo: TestRepo;
beforeAll(() => {
  repo = createTestRepo(join(FIXTURE, 'base'));
  repo.commit('platform on main');
  repo.git('checkout', '-q', '-b', 'llama-70b');
  repo.remove('deploy');
  repo.remove('.github');
  cpSync(join(FIXTURE, 'head'), repo.dir, { recursive: true });
  repo.commit('Llama 70B in prod, canary for the summarizer, a new fine-tune');
});
afterAll(() => repo.dispose());

function diff(format: 'json' | 'markdown') {
  return runFerry(['diff', '--repo', repo.dir, '--base', 'main', '--head', 'llama-70b', '--format', format]);
}

/** `file:line rule [targets]` of each finding. */
function where(findings: readonly JsonFinding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line} ${f.rule} [${f.targets.join(', ')}]`);
}

const planted = [
  `deploy/base/router-rollout.yaml:${lineOf('deploy/base/router-rollout.yaml', 'setWeight: 150')} traffic-split [staging, prod]`,
  `deploy/overlays/prod/finetune-gpus.yaml:${lineOf('deploy/overlays/prod/finetune-gpus.yaml', 'nvidia.com/gpu: 4')} gpu-limits [prod]`,
  `deploy/base/router-rollout.yaml:${lineOf('deploy/base/router-rollout.yaml', 'router:latest')} image-pinned [staging, prod]`,
];

describe('an AI platform repository: ferry diff and ferry validate', () => {
  it('diff: every planted finding once, on its field line, naming the targets; nothing unvalidated', () => {
    const r = diff('json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { targets: { name: string }[]; findings: JsonFinding[] };
    expect(out.targets.map((t) => t.name)).toEqual(['staging', 'prod']);
    // Errors first, then by file and line; nothing else (no "not validated", no duplicates).
    expect(where(out.findings)).toEqual(planted);
    expect(r.stdout).not.toMatch(/not validated|no schema/);
    // A finding of both targets names the resource as they share it, not one target's namespace.
    expect(out.findings[2]?.message).toMatch(
      /^container router in Rollout router: image ghcr\.io\/acme\/router:latest/,
    );
  });

  it('diff: the summary states model, canary, total GPUs, hyperparameters and the Job re-run', () => {
    const out = JSON.parse(diff('json').stdout) as {
      targets: { name: string; summary: { resource: string; facts: string[] }[] }[];
    };
    const facts = (target: string, resource: string) =>
      out.targets.find((t) => t.name === target)?.summary.find((s) => s.resource === resource)?.facts ?? [];
    for (const [target, ns] of [
      ['staging', 'ml-staging'],
      ['prod', 'ml'],
    ] as const) {
      expect(facts(target, `Deployment ${ns}/vllm`)).toEqual(
        expect.arrayContaining([
          'model revision 0e9e39f249a16976918f6564b8830bc894c89659 → 945c8663693130f8be2ee66210e062158b2a9693',
          'model meta-llama/Llama-3.1-8B-Instruct → …-70B-Instruct',
        ]),
      );
      expect(facts(target, `InferenceService ${ns}/summarizer`)).toEqual([
        'model s3://models/summarizer/v7 → …/v8',
        'canary 20% (new model 20%, previous 80%)',
      ]);
      expect(facts(target, `Job ${ns}/finetune`)).toEqual([
        'Job will be re-created: training re-runs',
        'hyperparameters learning-rate 0.0002 → 0.0001, epochs 3 → 5',
      ]);
      // The invalid weight is marked in the line; the pause change is said.
      expect(facts(target, `Rollout ${ns}/router`)).toEqual([
        'rollout ❌ steps 10%→pause 30m→analysis success-rate→150%→pause→100% (was 10%→pause 10m→analysis success-rate→50%→pause→100%)',
      ]);
    }
    // Staging runs 2 pods of 1 GPU either side: no GPU change. Prod: 4 pods, 1 → 2 GPUs each.
    expect(facts('staging', 'Deployment ml-staging/vllm').join(', ')).not.toMatch(/GPU/);
    expect(facts('prod', 'Deployment ml/vllm')).toEqual(
      expect.arrayContaining([
        'GPUs 1 → 2 (nvidia.com/gpu)',
        'GPUs 4 → 8 × nvidia.com/gpu on NVIDIA-A100-SXM4-80GB in total',
      ]),
    );
  });

  it('diff: the PR comment shows a finding of both targets as one line naming them', () => {
    const body = diff('markdown').stdout;
    const lines = body.split('\n').filter((l) => l.includes('moving tag latest'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^- `deploy\/base\/router-rollout\.yaml:\d+` — ⚠️ warning — `image-pinned` — .*\(staging, prod\)$/,
    );
    expect(body).toContain('2 errors, 1 warning');
  });

  it('validate: the same findings at the same lines, each once', () => {
    const r = runFerry(['validate', '--repo', repo.dir, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { resources: number; findings: JsonFinding[] };
    // 8 objects per target: ServingRuntime, InferenceService, Rollout, AnalysisTemplate, VirtualService,
    // DestinationRule, Deployment, Job.
    expect(out.resources).toBe(16);
    expect(where(out.findings)).toEqual(planted);
  });

  it('validate: a kind with no schema anywhere is one info line for the PR, naming both targets', () => {
    const own = createTestRepo(join(FIXTURE, 'head'));
    try {
      const featureView = (name: string) =>
        `apiVersion: feast.dev/v1alpha1\nkind: FeatureView\nmetadata:\n  name: ${name}\nspec:\n  ttl: 24h\n`;
      own.write({
        'deploy/base/features.yaml': `${featureView('clicks')}---\n${featureView('views')}`,
        'deploy/base/kustomization.yaml': `${readFileSync(join(own.dir, 'deploy/base/kustomization.yaml'), 'utf8')}  - features.yaml\n`,
        // prod's first FeatureView comes from its own file, not the base.
        'deploy/overlays/prod/features.yaml': featureView('a-prod-only'),
        'deploy/overlays/prod/kustomization.yaml': readFileSync(
          join(own.dir, 'deploy/overlays/prod/kustomization.yaml'),
          'utf8',
        ).replace('  - ../../base\n', '  - features.yaml\n  - ../../base\n'),
      });
      own.commit('features');
      const r = runFerry(['validate', '--repo', own.dir, '--format', 'json']);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
      const info = out.findings.filter((f) => f.message.startsWith('not validated'));
      expect(info.map((f) => [f.severity, f.targets])).toEqual([['info', ['staging', 'prod']]]);
      expect(info[0]?.message).toContain('feast.dev/v1alpha1 FeatureView');
      // The planted findings are unchanged beside it.
      expect(where(out.findings.filter((f) => f.severity !== 'info'))).toEqual(planted);
    } finally {
      own.dispose();
    }
  });
});
