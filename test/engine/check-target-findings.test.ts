import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/engine/check-target.ts';
import { checkTargetFindings } from '../../src/engine/check-target-findings.ts';
import type { Target } from '../../src/types.ts';
import { fileNameOf, filesOf, NAMES, textOf } from './dependent-documents.ts';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A repository with one plain target `deploy`, its files holding `files` documents in order. */
function repoWith(files: readonly (readonly string[])[]): { root: string; target: Target } {
  const root = mkdtempSync(join(tmpdir(), 'ferry-stream-'));
  made.push(root);
  mkdirSync(join(root, 'deploy'));
  files.forEach((docs, i) => {
    writeFileSync(join(root, 'deploy', fileNameOf(i, docs)), textOf(docs));
  });
  return { root, target: { name: 'deploy', path: 'deploy', schemas: [] } as unknown as Target };
}

async function both(files: readonly (readonly string[])[]) {
  const { root, target } = repoWith(files);
  const opts = { root, target, kubernetesVersion: '1.34' };
  const whole = await checkTarget(opts);
  const streamed = await checkTargetFindings(opts);
  return {
    whole: { findings: whole.findings, failed: whole.failed, checked: whole.checked },
    streamed,
  };
}

describe('checkTargetFindings', () => {
  it('finds what checking the whole set finds when every dependency comes late', async () => {
    // Objects before their CRDs, Services before their workloads, the Secret after the finding
    // quoting its value, the near miss before the catalogue kind.
    const order = [
      'quotesSecret',
      'service',
      'lonelyService',
      'widget',
      'badWidget',
      'widgetV2',
      'gizmo',
      'isvcTypo',
      'unknown1',
      'deploy',
      'unknown2',
      'deployAgain',
      'isvc',
      'crd',
      'escapedCrd',
      'secret',
      'nameSecret',
    ];
    const { whole, streamed } = await both(filesOf(order, [1]));
    expect(streamed).toEqual(whole);
    const rules = new Set(whole.findings.map((f) => f.rule));
    for (const rule of ['schema', 'duplicate-resource', 'selector-match']) expect(rules).toContain(rule);
    const messages = whole.findings.map((f) => f.message).join('\n');
    expect(messages).toContain('Service ml/lonely selects');
    expect(messages).toContain('spec.size');
    expect(messages).toContain('InferenceServce');
    expect(messages).not.toContain('s3cr3t-t0ken!');
    expect(messages).toContain('<redacted>');
    expect(messages.match(/no schema for example\.org\/v1 Gadget/g)).toHaveLength(1);
  });

  it('keeps a failed render failed, with what still parsed checked', async () => {
    const { whole, streamed } = await both([['service', 'deploy'], ['broken'], ['deployAgain', 'secret']]);
    expect(whole.failed).toBe(true);
    expect(streamed).toEqual(whole);
  });

  it('gives the same findings for any order and any split into files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(NAMES, { minLength: 1 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        async (order, sizes) => {
          const { whole, streamed } = await both(filesOf(order, sizes));
          expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: 30 },
    );
  });
});
