import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFindings } from '../../src/cli/format-findings.ts';
import { formatJsonReport } from '../../src/report/format-json-report.ts';
import { formatTerminalDiff } from '../../src/report/format-terminal-diff.ts';
import { mergeFindings } from '../../src/report/merge-findings.ts';
import { renderCheckRun } from '../../src/report/render-check-run.ts';
import { renderComment } from '../../src/report/render-comment.ts';
import type { ChangeSet, Finding } from '../../src/types.ts';

/** What the same base file gives in two overlays: the same finding, plus one only prod has. */
const unpinned: Finding = {
  rule: 'image-pinned',
  severity: 'warning',
  resource: 'Deployment ml/llm',
  file: 'deploy/base/llm-deployment.yaml',
  line: 21,
  message: 'container server in Deployment ml/llm: image vllm/vllm-openai:latest uses the moving tag latest',
};
const gpu: Finding = {
  rule: 'gpu-limits',
  severity: 'error',
  resource: 'Deployment ml/llm',
  file: 'deploy/overlays/prod/gpu-patch.yaml',
  line: 12,
  message: 'container server in Deployment ml/llm requests 2 nvidia.com/gpu but sets no limit for it',
};

function set(target: string, findings: Finding[]): ChangeSet {
  return { target, changes: [], summary: [], findings, renderFailed: false };
}

const sets = [set('staging', [unpinned]), set('prod', [{ ...unpinned }, gpu])];

describe('one finding, one line', () => {
  it('merges identical findings of several targets, naming the targets, errors first', () => {
    expect(mergeFindings(sets)).toEqual([
      { finding: gpu, targets: ['prod'] },
      { finding: unpinned, targets: ['staging', 'prod'] },
    ]);
  });

  it('merges a base-file finding whose overlays set different namespaces, naming the resource as they share it', () => {
    const inNs = (ns: string): Finding => ({
      ...unpinned,
      resource: `Deployment ${ns}/llm`,
      message: `container server in Deployment ${ns}/llm: image vllm/vllm-openai:latest uses the moving tag latest`,
    });
    expect(mergeFindings([set('staging', [inNs('ml-staging')]), set('prod', [inNs('ml')])])).toEqual([
      {
        finding: {
          ...unpinned,
          resource: 'Deployment llm',
          message:
            'container server in Deployment llm: image vllm/vllm-openai:latest uses the moving tag latest',
        },
        targets: ['staging', 'prod'],
      },
    ]);
  });

  it('names each copy when overlays prefix the name', () => {
    const named = (n: string): Finding => ({
      ...unpinned,
      resource: `Deployment ml/${n}`,
      message: `x in Deployment ml/${n}`,
    });
    const [merged, ...rest] = mergeFindings([
      set('staging', [named('staging-llm')]),
      set('prod', [named('prod-llm')]),
    ]);
    expect(rest).toEqual([]);
    expect(merged?.targets).toEqual(['staging', 'prod']);
    expect(merged?.finding.message).toBe('x in Deployment ml/staging-llm | ml/prod-llm');
  });

  it('keeps findings of different kinds apart even with the same text around the resource', () => {
    const a: Finding = { ...unpinned, resource: 'Deployment ml/llm', message: 'in Deployment ml/llm' };
    const b: Finding = { ...unpinned, resource: 'StatefulSet ml/llm', message: 'in StatefulSet ml/llm' };
    expect(mergeFindings([set('staging', [a]), set('prod', [b])])).toHaveLength(2);
  });

  it('says a kind with no schema once across targets, wherever each target first uses it', () => {
    const noSchema = (file: string, line: number, ns: string): Finding => ({
      rule: 'schema',
      severity: 'info',
      resource: `FeatureView ${ns}/clicks`,
      file,
      line,
      message:
        'not validated: no schema for feast.dev/v1 FeatureView (add its CRD to the repo or to schemas:)',
    });
    const merged = mergeFindings([
      set('staging', [noSchema('deploy/base/features.yaml', 1, 'ml-staging')]),
      set('prod', [noSchema('deploy/overlays/prod/extra-features.yaml', 1, 'ml')]),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.targets).toEqual(['staging', 'prod']);
    expect(merged[0]?.finding.file).toBe('deploy/base/features.yaml');
    // Another kind without a schema is its own line.
    const other = {
      ...noSchema('a.yaml', 1, 'ml'),
      message: 'not validated: no schema for feast.dev/v1 Entity (add its CRD to the repo or to schemas:)',
    };
    expect(mergeFindings([set('staging', [noSchema('a.yaml', 1, 'ml')]), set('prod', [other])])).toHaveLength(
      2,
    );
  });

  it('keeps findings apart when anything but the target differs', () => {
    const moved = { ...unpinned, line: 22 };
    expect(mergeFindings([set('staging', [unpinned]), set('prod', [moved])])).toHaveLength(2);
  });

  it('shows a shared finding once in the PR comment, with both targets, and counts it once', () => {
    const body = renderComment({ headSha: 'a'.repeat(40), changeSets: sets });
    const lines = body.split('\n').filter((l) => l.includes('moving tag latest'));
    expect(lines).toEqual([
      '- `deploy/base/llm-deployment.yaml:21` — ⚠️ warning — `image-pinned` — container server in Deployment ml/llm: image vllm/vllm-openai:latest uses the moving tag latest (staging, prod)',
    ]);
    expect(body).toContain('1 error, 1 warning');
  });

  it('gives one check-run annotation per merged finding, its title naming the targets', () => {
    const { annotations, title } = renderCheckRun({ headSha: 'a'.repeat(40), changeSets: sets });
    expect(annotations.map((a) => [a.path, a.start_line, a.title])).toEqual([
      ['deploy/overlays/prod/gpu-patch.yaml', 12, 'gpu-limits: Deployment ml/llm (prod)'],
      ['deploy/base/llm-deployment.yaml', 21, 'image-pinned: Deployment ml/llm (staging, prod)'],
    ]);
    expect(title).toBe('no changes · 1 error, 1 warning');
  });

  it('lists a shared finding once in `ferry diff` text and JSON', () => {
    const text = formatTerminalDiff(sets, { color: false });
    expect(text.split('moving tag latest')).toHaveLength(2);
    expect(text).toContain('uses the moving tag latest (staging, prod)');
    const json = formatJsonReport(sets);
    expect(json.findings.map((f) => [f.rule, f.targets])).toEqual([
      ['gpu-limits', ['prod']],
      ['image-pinned', ['staging', 'prod']],
    ]);
  });

  it('lists a shared finding once in `ferry validate` text, with the targets', () => {
    const merged = mergeFindings(sets).map(({ finding, targets }) => ({ ...finding, targets }));
    const text = formatFindings(merged, { color: false, resources: 4 });
    expect(text.split('moving tag latest')).toHaveLength(2);
    expect(text).toContain('image-pinned  (Deployment ml/llm)  [staging, prod]');
    expect(text).toContain('1 error, 1 warning in 4 resources');
  });
});

describe('mergeFindings against one key per finding', () => {
  /** The merge as first written: every finding keyed by all it shares with an identical one. */
  function reference(sets: { target: string; findings: Finding[] }[]): string[][] {
    const byKey = new Map<string, { targets: string[]; first: Finding }>();
    for (const { target, findings } of sets) {
      for (const f of findings) {
        const resource = f.resource ?? '';
        const noSchema = f.rule === 'schema' && f.message.startsWith('not validated: no schema');
        const key = noSchema
          ? JSON.stringify([f.rule, f.severity, f.message.replace(resource, '\u0000')])
          : JSON.stringify([
              f.rule,
              f.severity,
              f.file,
              f.line,
              resource.split(' ')[0],
              f.message.split(resource).join('\u0000'),
            ]);
        const merged = byKey.get(key);
        if (!merged) byKey.set(key, { targets: [target], first: f });
        else if (!merged.targets.includes(target)) merged.targets.push(target);
      }
    }
    return [...byKey.values()]
      .map((m) => [m.first.rule, m.first.file, String(m.first.line), ...m.targets])
      .sort();
  }

  it('merges the same findings', () => {
    const finding = fc
      .record({
        rule: fc.constantFrom('image-pinned', 'schema', 'gpu-limits'),
        severity: fc.constantFrom('error', 'warning', 'info') as fc.Arbitrary<Finding['severity']>,
        resource: fc.constantFrom('Deployment ml/llm', 'Deployment staging/llm', 'Service ml/llm', ''),
        file: fc.constantFrom('a.yaml', 'b.yaml'),
        line: fc.integer({ min: 1, max: 3 }),
        message: fc.constantFrom('not validated: no schema for x/v1 Foo', 'in {r}: bad', 'in {r}: worse'),
      })
      .map(({ resource, message, ...rest }) => ({
        ...rest,
        ...(resource ? { resource } : {}),
        message: message.replace('{r}', resource || 'file'),
      }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            target: fc.constantFrom('', 'staging', 'prod'),
            findings: fc.array(finding, { maxLength: 8 }),
          }),
          { maxLength: 4 },
        ),
        (sets) => {
          const merged = mergeFindings(sets)
            .map((m) => [m.finding.rule, m.finding.file, String(m.finding.line), ...m.targets])
            .sort();
          expect(merged).toEqual(reference(sets));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
