import { describe, expect, it } from 'vitest';
import { parseLiveMarker } from '../../src/live/live-marker.ts';
import { type LiveFinding, type LiveResult, parseLiveResult } from '../../src/live/live-result.ts';
import { CHECK_RUN_LIMIT } from '../../src/report/render-check-run.ts';
import { formatLiveTitle, renderLiveCheckRun } from '../../src/report/render-live-check-run.ts';

const HEAD = '1234567'.padEnd(40, 'a');
const APPLIED = 'abcdef0'.padEnd(40, 'b');

function result(overrides: Partial<LiveResult> = {}): LiveResult {
  return {
    target: 'prod',
    repository: 'acme/models',
    revision: HEAD,
    pull: 7,
    appliedRevision: APPLIED,
    checkedAt: '2025-06-01T12:00:00.000Z',
    durationMs: 3200,
    objects: 512,
    checks: {
      'dry-run': { state: 'done' },
      drift: { state: 'done' },
      capacity: { state: 'done' },
    },
    findings: [],
    truncated: 0,
    gpu: [],
    ...overrides,
  };
}

const refusedJob: LiveFinding = {
  check: 'dry-run',
  severity: 'error',
  resource: 'Job ml/train',
  file: 'deploy/train.yaml',
  line: 14,
  message: 'the API server refuses it: spec.template is immutable on a Job (delete and re-create it)',
  detail: 'Job.batch "train" is invalid: spec.template: Invalid value: field is immutable',
};
const quota: LiveFinding = {
  check: 'dry-run',
  severity: 'error',
  resource: 'Deployment ml/llm',
  file: 'deploy/llm.yaml',
  line: 3,
  message: 'exceeded quota gpu-quota: requested requests.nvidia.com/gpu=8, limited 4',
};
const drifted: LiveFinding = {
  check: 'drift',
  severity: 'warning',
  resource: 'ConfigMap ml/settings',
  file: 'deploy/settings.yaml',
  line: 6,
  message: 'data.mode is edited-by-hand in the cluster; the applied commit says fast',
};
const short: LiveFinding = {
  check: 'capacity',
  severity: 'error',
  resource: 'Deployment ml/llm',
  message: 'needs 8 × NVIDIA-H100 at peak; 6 free on matching nodes: the rollout will stall',
};

const findings = [drifted, short, refusedJob, quota];
const gpu = [
  {
    resource: 'Deployment ml/llm',
    gpuResource: 'nvidia.com/gpu',
    gpuType: 'NVIDIA-H100-80GB-HBM3',
    peak: 8,
    held: 0,
    free: 6,
    fits: false,
  },
];

describe('renderLiveCheckRun', () => {
  it('fails on refusals and GPU shortfalls, worst first, with the GPU table and the findings by check', () => {
    const out = renderLiveCheckRun(result({ findings, gpu }));
    expect(out.conclusion).toBe('failure');
    expect(out.title).toBe('Live: 2 refused, 1 drifted, GPUs short');
    expect(out.summary.slice(0, out.summary.indexOf('<!-- ferry:live:v1'))).toMatchInlineSnapshot(`
      "### Live: 2 refused, 1 drifted, GPUs short

      Target \`prod\` · PR #7 · head \`1234567\` · compared with the applied \`abcdef0\` · 512 objects · 3.2 s

      | Check | State | Findings |
      |---|---|---:|
      | Server-side dry-run | done | 2 |
      | Drift from the applied commit | done | 1 |
      | GPU capacity | done | 1 |

      #### GPUs at the rollout peak

      | Workload | Resource | Type | Peak | Held now | Free on matching nodes | |
      |---|---|---|---:|---:|---:|---|
      | \`Deployment ml/llm\` | \`nvidia.com/gpu\` | NVIDIA-H100-80GB-HBM3 | 8 | 0 | 6 | ❌ short by 2 |

      #### Server-side dry-run

      - ❌ \`Job ml/train\` (\`deploy/train.yaml:14\`): the API server refuses it: spec.template is immutable on a Job (delete and re-create it)
      - ❌ \`Deployment ml/llm\` (\`deploy/llm.yaml:3\`): exceeded quota gpu-quota: requested requests.nvidia.com/gpu=8, limited 4

      #### Drift from the applied commit

      - ⚠️ \`ConfigMap ml/settings\` (\`deploy/settings.yaml:6\`): data.mode is edited-by-hand in the cluster; the applied commit says fast

      #### GPU capacity

      - ❌ \`Deployment ml/llm\`: needs 8 × NVIDIA-H100 at peak; 6 free on matching nodes: the rollout will stall


      "
    `);
    expect(out.text).toContain(
      'Job.batch "train" is invalid: spec.template: Invalid value: field is immutable',
    );
  });

  it('annotates each finding that has a file and line at its level; one without a file stays in the summary', () => {
    const out = renderLiveCheckRun(result({ findings, gpu }));
    expect(out.annotations).toEqual([
      {
        path: 'deploy/train.yaml',
        start_line: 14,
        end_line: 14,
        annotation_level: 'failure',
        title: 'Server-side dry-run: Job ml/train',
        message: refusedJob.message,
        raw_details: refusedJob.detail,
      },
      {
        path: 'deploy/llm.yaml',
        start_line: 3,
        end_line: 3,
        annotation_level: 'failure',
        title: 'Server-side dry-run: Deployment ml/llm',
        message: quota.message,
      },
      {
        path: 'deploy/settings.yaml',
        start_line: 6,
        end_line: 6,
        annotation_level: 'warning',
        title: 'Drift from the applied commit: ConfigMap ml/settings',
        message: drifted.message,
      },
    ]);
  });

  it('says the cluster accepts every object when nothing was found', () => {
    const out = renderLiveCheckRun(result());
    expect(out).toMatchObject({
      conclusion: 'success',
      title: 'Live: the cluster accepts all 512 objects',
      text: '',
      annotations: [],
    });
  });

  it('carries the whole result in the marker, which the App reads back', () => {
    const input = result({ findings, gpu });
    const out = renderLiveCheckRun(input);
    expect(out.summary.trimEnd().endsWith('-->')).toBe(true);
    const back = parseLiveMarker(out.summary);
    expect(back?.findings).toHaveLength(4);
    expect(back?.findings[0]).toEqual(refusedJob);
    expect(back).toEqual({ ...input, findings: [refusedJob, quota, short, drifted] });
  });

  it('is neutral with the timed-out checks named when the deadline cut checks short', () => {
    const out = renderLiveCheckRun(
      result({
        checks: {
          'dry-run': { state: 'timed-out', note: 'the 120 s deadline passed after 300 of 512 objects' },
          drift: { state: 'done' },
          capacity: { state: 'timed-out', note: 'the 120 s deadline passed' },
        },
      }),
    );
    expect(out.conclusion).toBe('neutral');
    expect(out.title).toBe('Live: dry-run, capacity timed out');
    expect(out.summary).toContain(
      '| Server-side dry-run | timed out: the 120 s deadline passed after 300 of 512 objects | 0 |',
    );
  });

  it('fails with the reason when the head could not be checked at all', () => {
    const out = renderLiveCheckRun(
      result({
        objects: 0,
        error: '2 error(s) block the apply: deploy/a.yaml:3 schema: spec.replicas must be an integer',
        checks: {
          'dry-run': { state: 'skipped', note: 'the head does not render' },
          drift: { state: 'skipped', note: 'the head does not render' },
          capacity: { state: 'skipped', note: 'the head does not render' },
        },
      }),
    );
    expect(out.conclusion).toBe('failure');
    expect(out.title).toBe('Live: not checked (the head could not be rendered or fetched)');
    expect(out.summary).toContain('**Not checked:** 2 error(s) block the apply: deploy/a.yaml:3 schema');
  });

  it('keeps credentials out of every part of the output', () => {
    const leaky: LiveFinding = {
      ...refusedJob,
      message: 'webhook https://admin:hunter2secret@hooks.example.com/validate denied the request',
      detail:
        'calling https://admin:hunter2secret@hooks.example.com/validate?token=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    };
    const out = renderLiveCheckRun(result({ findings: [leaky] }));
    const everything = JSON.stringify(out);
    expect(everything).not.toContain('hunter2secret');
    expect(everything).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(parseLiveMarker(out.summary)?.findings[0]?.message).toContain('hooks.example.com');
  });

  it("stays within GitHub's 65,535 characters with 200 findings of long API-server text, and the marker still parses", () => {
    const many: LiveFinding[] = Array.from({ length: 200 }, (_, i) => ({
      check: i % 2 === 0 ? 'dry-run' : 'drift',
      severity: i % 3 === 0 ? 'error' : 'warning',
      resource: `ConfigMap ml/config-${i}`,
      file: `deploy/c${i}.yaml`,
      line: i + 1,
      message: `message ${i} ${'x'.repeat(1500)}`,
      detail: `detail ${i} ${'y'.repeat(15_000)}`,
    }));
    const input = result({ findings: many, truncated: 40 });
    expect(parseLiveResult(input)).toBeDefined();
    const out = renderLiveCheckRun(input);
    expect(out.summary.length).toBeLessThanOrEqual(CHECK_RUN_LIMIT);
    expect(out.text.length).toBeLessThanOrEqual(CHECK_RUN_LIMIT);
    expect(out.annotations).toHaveLength(200);
    const back = parseLiveMarker(out.summary);
    expect(back).toBeDefined();
    // What the marker could not keep is counted, never silently lost.
    expect((back?.findings.length ?? 0) + (back?.truncated ?? 0)).toBe(240);
    expect(back?.findings[0]?.severity).toBe('error');
  });

  it('words the title for warnings and GPU warnings without refusals', () => {
    expect(
      formatLiveTitle(
        result({
          findings: [
            { ...quota, severity: 'warning' },
            { ...short, severity: 'warning' },
          ],
        }),
      ),
    ).toBe('Live: 1 warning, GPU warnings');
  });
});
