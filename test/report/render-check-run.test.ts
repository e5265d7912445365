import { describe, expect, it } from 'vitest';
import { chunkAnnotations } from '../../src/report/chunk-annotations.ts';
import {
  type Annotation,
  CHECK_RUN_LIMIT,
  renderAnnotations,
  renderCheckRun,
} from '../../src/report/render-check-run.ts';
import type { Report } from '../../src/report/report.ts';
import type { ChangeSet, Finding } from '../../src/types.ts';
import { bigChangeSet, HEAD_SHA, modelUpgradeReport } from './make-report.ts';

function withFindings(findings: Finding[], renderFailed = false): Report {
  const cs: ChangeSet = { target: 'prod', changes: [], summary: [], findings, renderFailed };
  return { headSha: HEAD_SHA, changeSets: [cs] };
}

const finding = (severity: Finding['severity'], file = 'k8s/a.yaml'): Finding => ({
  rule: 'gpu-limits',
  severity,
  resource: 'Deployment ml/api',
  file,
  line: 7,
  message: 'GPU requested without a limit',
});

describe('renderCheckRun', () => {
  it('fails on an error finding or a failed render, is neutral on warnings, else succeeds', () => {
    expect(renderCheckRun(withFindings([finding('error'), finding('warning')])).conclusion).toBe('failure');
    expect(renderCheckRun(withFindings([], true)).conclusion).toBe('failure');
    expect(renderCheckRun(withFindings([finding('warning'), finding('info')])).conclusion).toBe('neutral');
    expect(renderCheckRun(withFindings([finding('info')])).conclusion).toBe('success');
  });

  it('titles the run with counts and puts the summary block and fuller diffs in their fields', () => {
    const out = renderCheckRun(modelUpgradeReport());
    expect(out.title).toBe('2 changed, 1 removed · 1 warning');
    expect(out.summary).toContain(
      '**InferenceService ml/classifier**: model gs://ferry-models/classifier/v1 → …/v2, canary 10%',
    );
    expect(out.summary).not.toContain('<details>');
    expect(out.text).toContain('### Findings\n- `k8s/inference.yaml:17` — ⚠️ warning');
    expect(out.text).toContain('<details><summary>✏️ changed <code>InferenceService ml/classifier</code>');
  });

  it('maps findings to annotations on their file and line, errors first', () => {
    const out = renderCheckRun(
      withFindings([finding('info'), finding('warning'), finding('error'), finding('error', '')]),
    );
    expect(out.annotations).toEqual([
      {
        path: 'k8s/a.yaml',
        start_line: 7,
        end_line: 7,
        annotation_level: 'failure',
        message: 'GPU requested without a limit',
        title: 'gpu-limits: Deployment ml/api',
      },
      expect.objectContaining({ annotation_level: 'warning' }),
      expect.objectContaining({ annotation_level: 'notice' }),
    ]);
  });

  it('keeps annotation fields within GitHub limits', () => {
    const [a] = renderAnnotations([
      { ...finding('error'), line: 0, message: 'm'.repeat(10_000), rule: 'r'.repeat(300) },
    ]);
    expect(a?.start_line).toBe(1);
    expect(a?.message.length).toBeLessThanOrEqual(4_000);
    expect(a?.title?.length).toBeLessThanOrEqual(255);
  });

  it('keeps summary and text within 65,535 characters for 5,000 changed resources', () => {
    const out = renderCheckRun({ headSha: HEAD_SHA, changeSets: [bigChangeSet(5000, { findings: 3000 })] });
    expect(out.summary.length).toBeLessThanOrEqual(CHECK_RUN_LIMIT);
    expect(out.text.length).toBeLessThanOrEqual(CHECK_RUN_LIMIT);
    expect(out.summary).toContain('| production | 0 | 5,000 | 0 | 0 | 3,000 |');
    expect(out.text).toMatch(
      /diffs omitted to fit GitHub's 65,535-character check-run limit; run `ferry diff` locally/,
    );
    expect(out.annotations).toHaveLength(3000);
  });
});

describe('chunkAnnotations', () => {
  const annotations: Annotation[] = Array.from({ length: 123 }, (_, i) => ({
    path: 'a.yaml',
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: 'notice',
    message: `m${i}`,
  }));

  it('splits annotations into batches of at most 50, in order', () => {
    const chunks = chunkAnnotations(annotations);
    expect(chunks.map((c) => c.length)).toEqual([50, 50, 23]);
    expect(chunks.flat()).toEqual(annotations);
  });

  it('returns no batch for no annotations and rejects a useless size', () => {
    expect(chunkAnnotations([])).toEqual([]);
    expect(() => chunkAnnotations(annotations, 0)).toThrow(RangeError);
  });
});
