import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths } from '../../src/engine/check-paths.ts';
import { renderPaths } from '../../src/render/render-paths.ts';

/**
 * Realistic mistakes in AI-system manifests, one folder each under test/fixtures/corpus/<case>/ with
 * the finding it must produce (expected.json: rule, severity, optional line, message fragments).
 * Run through the whole engine (plain render, schema, rules) as `ferry validate <dir>` does.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');

interface Expected {
  rule: string;
  severity: string;
  line?: number;
  contains?: string;
  not_contains?: string;
}

describe('the engine over the corpus of realistic mistakes', () => {
  for (const name of readdirSync(CORPUS).sort()) {
    it(`finds what ${name}/expected.json says`, async () => {
      const dir = relative(ROOT, join(CORPUS, name));
      const expected = JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected[];
      const result = await checkPaths({ root: ROOT, paths: [dir], kubernetesVersion: '1.34' });
      expect(result.failed).toBe(false);
      for (const e of expected) {
        const match = result.findings.find(
          (f) =>
            f.rule === e.rule &&
            f.severity === e.severity &&
            (e.line === undefined || f.line === e.line) &&
            (e.contains === undefined || f.message.includes(e.contains)),
        );
        expect(
          match,
          `${e.rule}/${e.severity}${e.line ? `@${e.line}` : ''} in ${JSON.stringify(result.findings, null, 1)}`,
        ).toBeDefined();
        expect(match?.file).toBe(`${dir}/manifest.yaml`);
        if (e.not_contains) {
          for (const f of result.findings) expect(f.message).not.toContain(e.not_contains);
        }
      }
    });
  }

  it('finds no errors in the bundled example targets', async () => {
    const paths = ['examples/classifier/deploy/base', 'examples/classifier/deploy/crds'];
    const result = await checkPaths({ root: ROOT, paths, kubernetesVersion: '1.34' });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const rendered = await renderPaths({ root: ROOT, paths });
    expect(rendered.resources.map((r) => r.id.kind)).toContain('InferenceService');
    expect(result.checked).toBe(rendered.resources.length);
  });
});
