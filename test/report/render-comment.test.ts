import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, renderComment, STICKY_MARKER } from '../../src/report/render-comment.ts';
import type { Report } from '../../src/report/report.ts';
import type { Change, ChangeSet } from '../../src/types.ts';
import { bigChangeSet, HEAD_SHA, modelUpgradeReport } from './make-report.ts';

describe('renderComment', () => {
  it('renders a model upgrade as a summary first, then collapsible diffs', () => {
    expect(renderComment(modelUpgradeReport())).toMatchInlineSnapshot(`
      "<!-- ferry:sticky-comment -->

      ### ⚠️ Ferry · [\`9f3c2a1\`](https://github.com/acme/vision/commit/9f3c2a17e4b5d6c7f8a9b0c1d2e3f4a5b6c7d8e9) · 2 changed, 1 removed · 1 warning

      | Target | Added | Changed | Removed | Errors | Warnings |
      |:--|--:|--:|--:|--:|--:|
      | production | 0 | 2 | 1 | 0 | 1 |

      **Summary**
      - **InferenceService ml/classifier**: model gs://ferry-models/classifier/v1 → …/v2, canary 10% (new model 10%, previous 90%), GPUs 1 → 2 (nvidia.com/gpu)
      - **Secret ml/model-store**: key changed: SERVICE\\_ACCOUNT\\_KEY

      **⚠️ Will delete** (merging removes these from the cluster)
      - ConfigMap ml/classifier-labels-v1

      **Findings**
      - \`k8s/inference.yaml:17\` — ⚠️ warning — \`model-pinned\` — storageUri gs://ferry-models/classifier/v2 is a mutable path; pin a version or digest

      #### Diffs

      <details><summary>➖ removed <code>ConfigMap ml/classifier-labels-v1</code> · +0 −9</summary>

      \`\`\`diff
      --- ConfigMap ml/classifier-labels-v1 (base)
      +++ /dev/null
      @@ -1,9 +0,0 @@
      -apiVersion: v1
      -kind: ConfigMap
      -metadata:
      -  name: classifier-labels-v1
      -  namespace: ml
      -data:
      -  labels.txt: |
      -    cat
      -    dog
      \`\`\`

      </details>

      <details><summary>✏️ changed <code>InferenceService ml/classifier</code> · +3 −2</summary>

      \`\`\`diff
      --- InferenceService ml/classifier (base)
      +++ InferenceService ml/classifier (head)
      @@ -8,6 +8,7 @@
           helm.sh/chart: classifier-0.3.0
       spec:
         predictor:
      +    canaryTrafficPercent: 10
           maxReplicas: 3
           minReplicas: 1
           model:
      @@ -17,7 +18,7 @@
               limits:
                 cpu: "2"
                 memory: 4Gi
      -          nvidia.com/gpu: 1
      -      storageUri: gs://ferry-models/classifier/v1
      +          nvidia.com/gpu: 2
      +      storageUri: gs://ferry-models/classifier/v2
           nodeSelector:
             nvidia.com/gpu.product: NVIDIA-A10G
      \`\`\`

      </details>

      <details><summary>✏️ changed <code>Secret ml/model-store</code> · +1 −1</summary>

      \`\`\`diff
      --- Secret ml/model-store (base)
      +++ Secret ml/model-store (head)
      @@ -5,5 +5,5 @@
         namespace: ml
       stringData:
         GCS_BUCKET: <redacted>
      -  SERVICE_ACCOUNT_KEY: <redacted>
      +  SERVICE_ACCOUNT_KEY: <redacted, changed>
       type: Opaque
      \`\`\`

      </details>

      <sub>Ferry · head [9f3c2a1](https://github.com/acme/vision/commit/9f3c2a17e4b5d6c7f8a9b0c1d2e3f4a5b6c7d8e9) · base [1a2b3c4](https://github.com/acme/vision/commit/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b)</sub>"
    `);
  });

  it('starts with the sticky marker so the App finds and updates its one comment', () => {
    const body = renderComment(modelUpgradeReport());
    expect(body.startsWith(`${STICKY_MARKER}\n`)).toBe(true);
    expect(body.split(STICKY_MARKER)).toHaveLength(2);
  });

  it('shows ❌ when a target has an error or failed to render, ✅ when all is clean', () => {
    const clean: Report = {
      headSha: HEAD_SHA,
      changeSets: [{ target: 'dev', changes: [], summary: [], findings: [], renderFailed: false }],
    };
    expect(renderComment(clean)).toContain('### ✅ Ferry · `9f3c2a1` · no changes');
    const failed: Report = {
      ...clean,
      changeSets: [{ ...(clean.changeSets[0] as ChangeSet), renderFailed: true }],
    };
    const body = renderComment(failed);
    expect(body).toContain('### ❌ Ferry');
    expect(body).toContain('❌ **dev** failed to render: nothing will be applied or pruned from it.');
  });

  it('escapes user-controlled names and messages so they cannot break the layout', () => {
    const change: Change = {
      id: { group: '', kind: 'ConfigMap', namespace: 'ml', name: '</details><script>x</script>' },
      apiVersion: 'v1',
      action: 'changed',
      diff: '--- a\n+++ b\n@@ -1 +1 @@\n-x: "```"\n+x: "````"\n',
    };
    const report: Report = {
      headSha: HEAD_SHA,
      changeSets: [
        {
          target: 'prod|uction',
          changes: [change],
          summary: [{ resource: 'Deployment ml/<img src=x>', facts: ['image a:1 → **2**'] }],
          findings: [
            {
              rule: 'r`x',
              severity: 'error',
              file: 'a.yaml',
              line: 1,
              message: '</details> @team [x](javascript:y)',
            },
          ],
          renderFailed: false,
        },
      ],
    };
    const body = renderComment(report);
    expect(body).not.toMatch(/<script>|<img|<\/details> @/);
    expect(body.match(/<details>/g)).toHaveLength(1);
    expect(body.match(/<\/details>/g)).toHaveLength(1);
    expect(body).toContain('`````diff\n--- a');
    expect(body).toContain('| prod\\|uction |');
    expect(body).toContain('@\u200bteam \\[x\\](javascript:y)');
  });

  it('lists deployments with their state', () => {
    const body = renderComment(
      modelUpgradeReport({
        deployments: [
          { target: 'staging', state: 'success', sha: HEAD_SHA, durationSeconds: 42 },
          { target: 'production', state: 'in_progress', sha: HEAD_SHA, url: 'https://x.test/logs' },
          {
            target: 'canary',
            environment: 'prod-canary',
            state: 'rolled_back',
            sha: HEAD_SHA,
            description: 'health check failed',
          },
        ],
      }),
    );
    expect(body).toContain(
      [
        '**Deployments**',
        '- ✅ deployed `9f3c2a1` to staging in 42s',
        '- 🚀 deploying `9f3c2a1` to production… — [details](https://x.test/logs)',
        '- ↩️ rolled back `9f3c2a1` on prod-canary: health check failed',
      ].join('\n'),
    );
  });
});

describe('renderComment within GitHub limits', () => {
  it('keeps a 5,000-resource change set under 65,536 characters with the whole summary block', () => {
    const cs = bigChangeSet(5000, { removed: 300, findings: 400 });
    const body = renderComment({ headSha: HEAD_SHA, changeSets: [cs], detailsUrl: 'https://x.test/run' });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain('### ⚠️ Ferry · `9f3c2a1` · 5,000 changed, 300 removed · 400 warnings');
    expect(body).toContain('| production | 0 | 5,000 | 300 | 0 | 400 |');
    expect(body).toMatch(/\n- … and [\d,]+ more\n/);
    expect(body).toContain('**⚠️ Will delete**');
    expect(body).toMatch(
      /> ✂️ [\d,]+ of 5,300 diffs omitted to fit GitHub's 65,536-character comment limit; the full diff is in \[the check run\]\(https:\/\/x\.test\/run\)\./,
    );
    expect(body).toContain(`<sub>Ferry · head ${HEAD_SHA.slice(0, 7)}</sub>`);
  });

  it('drops the largest diffs first and says how many were left out', () => {
    const report = modelUpgradeReport();
    const full = renderComment(report);
    const body = renderComment(report, { maxChars: full.length - 10 });
    expect(body.length).toBeLessThanOrEqual(full.length - 10);
    expect(body).toContain('> ✂️ 1 of 3 diffs omitted to fit the');
    // The InferenceService diff is the largest: it goes, the smaller two stay.
    expect(body).not.toContain('<code>InferenceService ml/classifier</code>');
    expect(body).toContain('<code>Secret ml/model-store</code>');
    expect(body).toContain('**InferenceService ml/classifier**: model');
  });

  it('cuts a single giant diff to its head instead of dropping everything else', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `+  line-${i}: value`).join('\n');
    const giant: Change = {
      id: { group: '', kind: 'ConfigMap', namespace: 'ml', name: 'dashboards' },
      apiVersion: 'v1',
      action: 'added',
      diff: `--- /dev/null\n+++ ConfigMap ml/dashboards (head)\n@@ -0,0 +1,20000 @@\n${lines}\n`,
    };
    const body = renderComment({
      headSha: HEAD_SHA,
      changeSets: [{ target: 'prod', changes: [giant], summary: [], findings: [], renderFailed: false }],
    });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/… \(truncated: [\d,]+ more lines\)\n````?\n/);
    expect(body).not.toContain('diffs omitted');
  });

  it('drops diffs before findings: every finding stays while diffs are cut', () => {
    const report = { headSha: HEAD_SHA, changeSets: [bigChangeSet(3, { findings: 60 })] };
    const full = renderComment(report);
    const body = renderComment(report, { maxChars: full.length - 1_000 });
    expect(body).toMatch(/> ✂️ [12] of 3 diffs omitted/);
    expect(body).toContain('<details>');
    expect(body.match(/^- `k8s\/api-\d+\.yaml:12` — ⚠️ warning/gm)).toHaveLength(60);
  });

  it('cuts findings beyond the first 20, with a count, when they alone would not fit', () => {
    const cs = bigChangeSet(3, { findings: 500 });
    const body = renderComment({ headSha: HEAD_SHA, changeSets: [cs] }, { maxChars: 12_000 });
    expect(body.length).toBeLessThanOrEqual(12_000);
    expect(body.match(/^- `k8s\/api-\d+\.yaml:12` — ⚠️ warning/gm)).toHaveLength(20);
    expect(body).toContain('- … and 480 more findings in the check run');
  });

  it('never exceeds maxChars and always keeps the marker and the title, whatever the size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 400, max: 70_000 }),
        (n, findings, targets, maxChars) => {
          const sets = Array.from({ length: targets + 1 }, (_, t) =>
            bigChangeSet(n, { findings, target: `t${t}` }),
          );
          const body = renderComment({ headSha: HEAD_SHA, changeSets: sets }, { maxChars });
          expect(body.length).toBeLessThanOrEqual(maxChars);
          expect(body.startsWith(STICKY_MARKER)).toBe(true);
          expect(body).toContain('Ferry · `9f3c2a1`');
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('renderComment for a failed render', () => {
  it('does not list a failed target’s missing resources as deletions', () => {
    const cs = bigChangeSet(0, { removed: 3 });
    const body = renderComment({ headSha: HEAD_SHA, changeSets: [{ ...cs, renderFailed: true }] });
    expect(body).toContain('failed to render: nothing will be applied or pruned from it.');
    expect(body).not.toContain('Will delete');
  });
});
