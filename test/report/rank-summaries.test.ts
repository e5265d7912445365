import { describe, expect, it } from 'vitest';
import { rankSummaries } from '../../src/report/rank-summaries.ts';
import { renderComment } from '../../src/report/render-comment.ts';
import type { ChangeSet, Summary } from '../../src/types.ts';
import { HEAD_SHA } from './make-report.ts';

function changeSet(target: string, summary: Summary[]): ChangeSet {
  return { target, changes: [], summary, findings: [], renderFailed: false };
}

describe('rankSummaries', () => {
  it('puts model, GPU and traffic changes before image bumps and replica counts', () => {
    const groups = rankSummaries([
      changeSet('prod', [
        { resource: 'Deployment ml/web', facts: ['image web:1 → 2'] },
        { resource: 'Deployment ml/api', facts: ['replicas 2 → 3'] },
        { resource: 'InferenceService ml/clf', facts: ['model gs://m/v1 → …/v2', 'canary 10%'] },
        { resource: 'StatefulSet ml/llm', facts: ['image vllm:1 → 2', 'GPUs 1 → 4 (nvidia.com/gpu)'] },
      ]),
    ]);
    expect(groups.map((g) => g.resources[0])).toEqual([
      'InferenceService ml/clf',
      'StatefulSet ml/llm',
      'Deployment ml/api',
      'Deployment ml/web',
    ]);
  });

  it('merges resources of one target that changed the same way, not across targets', () => {
    const same = { facts: ['image envoy:1.30 → 1.31 (proxy)'] };
    const groups = rankSummaries([
      changeSet(
        'prod',
        [1, 2, 3, 4, 5].map((i) => ({ resource: `Deployment ml/app-${i}`, ...same })),
      ),
      changeSet('staging', [{ resource: 'Deployment ml/app-1', ...same }]),
    ]);
    expect(groups.map((g) => [g.target, g.resources.length])).toEqual([
      ['prod', 5],
      ['staging', 1],
    ]);
    const body = renderComment({
      headSha: HEAD_SHA,
      changeSets: [changeSet('prod', groups[0]?.resources.map((resource) => ({ resource, ...same })) ?? [])],
    });
    expect(body).toContain(
      '- **Deployment ml/app-1**, **Deployment ml/app-2**, **Deployment ml/app-3** and 2 more: image envoy:1.30 → 1.31 (proxy)',
    );
  });
});
