import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffResources } from '../../src/diff/diff-resources.ts';
import { redactFindings } from '../../src/diff/redact-findings.ts';
import { formatJsonReport } from '../../src/report/format-json-report.ts';
import { formatTerminalDiff } from '../../src/report/format-terminal-diff.ts';
import { renderCheckRun } from '../../src/report/render-check-run.ts';
import { renderComment } from '../../src/report/render-comment.ts';
import type { ChangeSet, Finding, KubeObject, Resource } from '../../src/types.ts';

type Status = 'unchanged' | 'changed' | 'added' | 'removed';
type Where = 'data' | 'stringData';
interface KeySpec {
  key: string;
  status: Status;
  before: Where;
  after: Where;
  v1: string;
  v2: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(
  specs: KeySpec[],
  side: 'before' | 'after',
  values: (s: KeySpec) => [string, string],
): KubeObject {
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const s of specs) {
    if ((side === 'before' && s.status === 'added') || (side === 'after' && s.status === 'removed')) continue;
    const [v1, v2] = values(s);
    const value = side === 'after' && s.status === 'changed' ? v2 : v1;
    const where = side === 'before' ? s.before : s.after;
    if (where === 'data') data[s.key] = b64(value);
    else stringData[s.key] = value;
  }
  const [first] = specs;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'model-store',
      namespace: 'ml',
      // kubectl's client-side apply keeps the whole object, values included.
      annotations: first
        ? {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              stringData: { [first.key]: values(first)[0] },
            }),
          }
        : {},
    },
    type: 'Opaque',
    data,
    stringData,
  };
}

function resource(object: KubeObject, line = 1): Resource {
  const m = object.metadata as { name: string; namespace: string };
  return {
    id: {
      group: object.apiVersion.includes('/') ? 'apps' : '',
      kind: object.kind,
      namespace: m.namespace,
      name: m.name,
    },
    apiVersion: object.apiVersion,
    object,
    file: 'k8s/secret.yaml',
    line,
  };
}

const consumer: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'server', namespace: 'ml' },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'server', image: 'server:1', envFrom: [{ secretRef: { name: 'model-store' } }] },
        ],
      },
    },
  },
};

/** Every output format Ferry produces for this pair of Secret versions, as one string each. */
function allOutputs(
  specs: KeySpec[],
  values: (s: KeySpec) => [string, string],
  leakyFinding: boolean,
): string[] {
  const base = [resource(secret(specs, 'before', values)), resource(consumer, 20)];
  const head = [
    resource(secret(specs, 'after', values)),
    resource({ ...consumer, spec: { replicas: 2, ...(consumer.spec as object) } }, 20),
  ];
  const { changes, summary } = diffResources({ target: 'production', base, head });
  // A validator that quotes the offending value, as schema errors do; the engine scrubs findings.
  const raw: Finding[] = leakyFinding
    ? specs.map((s) => ({
        rule: 'schema',
        severity: 'error',
        resource: 'Secret ml/model-store',
        file: 'k8s/secret.yaml',
        line: 3,
        message: `${s.key}: value ${JSON.stringify(values(s)[0])}${s.status === 'changed' ? ` (was ${b64(values(s)[1])})` : ''} is invalid`,
      }))
    : [];
  const findings = redactFindings({ findings: raw, resources: [...base, ...head] });
  const cs: ChangeSet = { target: 'production', changes, summary, findings, renderFailed: false };
  const report = { headSha: 'a'.repeat(40), changeSets: [cs] };
  const checkRun = renderCheckRun(report);
  return [
    ...changes.map((c) => c.diff),
    JSON.stringify(summary),
    renderComment(report),
    renderComment(report, { maxChars: 1_500 }),
    checkRun.title,
    checkRun.summary,
    checkRun.text,
    JSON.stringify(checkRun.annotations),
    JSON.stringify(formatJsonReport([cs])),
    formatTerminalDiff([cs], { color: false }),
    formatTerminalDiff([cs], { color: true }),
  ];
}

const KEYS = ['password', 'token', 'tls.crt', 'API_KEY', 'config.json', 'GCS_BUCKET'];
const value = fc.oneof(
  fc.string({ minLength: 4, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 4, maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9+/]{8,24}={0,2}$/), // looks like base64 already
  fc
    .array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 4 })
    .map((l) => `-----BEGIN-----\n${l.join('\n')}\n`),
  fc.constantFrom(
    'hunter22',
    'p@ss: word #1',
    '"quoted"',
    '`ticks`',
    '</details>',
    'ml/model-store',
    'server:1',
  ),
);
const keySpecs = fc.uniqueArray(
  fc.record({
    key: fc.constantFrom(...KEYS),
    status: fc.constantFrom<Status>('unchanged', 'changed', 'added', 'removed'),
    before: fc.constantFrom<Where>('data', 'stringData'),
    after: fc.constantFrom<Where>('data', 'stringData'),
    v1: value,
    v2: value,
  }),
  { selector: (s) => s.key, minLength: 1, maxLength: 4 },
);
// Values a changed key swaps must differ as bytes, or the key is not changed.
const specsArb = keySpecs.filter((specs) => specs.every((s) => s.status !== 'changed' || s.v1 !== s.v2));

const real = (s: KeySpec): [string, string] => [s.v1, s.v2];
const control = (s: KeySpec): [string, string] => [`ctl-${s.key}-one`, `ctl-${s.key}-two`];

/** The forms a value could leak in: as written, base64, JSON-escaped, and long lines of a multi-line value. */
function formsOf(v: string): string[] {
  const lines = v.split('\n').filter((l) => l.trim().length >= 8);
  return [v, b64(v), JSON.stringify(v).slice(1, -1), ...lines].filter((f) => f.length >= 4);
}

describe('secret values never reach any output', () => {
  it('produces the same output whatever the values, given which keys changed', () => {
    fc.assert(
      fc.property(specsArb, (specs) => {
        // Values are masked wherever they appear in the target's output: a value that happens to be
        // ordinary text of the report too (`ml/model-store`) is masked there as well, by design.
        const baseline = allOutputs(specs, control, false).join('\n');
        fc.pre(specs.every((s) => [...formsOf(s.v1), ...formsOf(s.v2)].every((f) => !baseline.includes(f))));
        expect(allOutputs(specs, real, false)).toEqual(allOutputs(specs, control, false));
      }),
      { numRuns: 150 },
    );
  });

  it('contains no value, plain or base64, in the diff, comment, check run, annotations, JSON or terminal text', () => {
    fc.assert(
      fc.property(specsArb, fc.boolean(), (specs, leakyFinding) => {
        const outputs = allOutputs(specs, real, leakyFinding).join('\n\u0000\n');
        // Text that is there whatever the values (key names, resource names, markers) is not a leak.
        const baseline = allOutputs(specs, control, leakyFinding).join('\n\u0000\n');
        for (const s of specs) {
          for (const form of [...formsOf(s.v1), ...formsOf(s.v2)]) {
            if (baseline.includes(form)) continue;
            expect(outputs).not.toContain(form);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('shows which keys changed, by name, with markers instead of values', () => {
    const specs: KeySpec[] = [
      {
        key: 'password',
        status: 'changed',
        before: 'data',
        after: 'stringData',
        v1: 'old-hunter22',
        v2: 'new-hunter22',
      },
      { key: 'token', status: 'added', before: 'data', after: 'data', v1: 'tok-123456', v2: 'tok-123456' },
      {
        key: 'API_KEY',
        status: 'removed',
        before: 'stringData',
        after: 'data',
        v1: 'key-abcdef',
        v2: 'key-abcdef',
      },
    ];
    const diff = allOutputs(specs, real, false).find((d) => d.startsWith('--- Secret ml/model-store'));
    expect(diff).toContain('-  API_KEY: <redacted, removed>');
    expect(diff).toContain('-  password: <redacted>');
    expect(diff).toContain('+  password: <redacted, changed>');
    expect(diff).toContain('+  token: <redacted, added>');
    // The last-applied copy is noise to a review: normalisation drops it (and redaction scrubs it).
    expect(diff).not.toContain('last-applied-configuration');
    expect(allOutputs(specs, real, true).join()).not.toMatch(/hunter22|tok-123456|key-abcdef/);
  });
});
