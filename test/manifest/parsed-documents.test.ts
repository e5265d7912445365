import { describe, expect, it } from 'vitest';
import { lineOf } from '../../src/manifest/line-of.ts';
import { ParsedDocuments, parseManifests } from '../../src/manifest/parse-manifests.ts';

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;

describe('ParsedDocuments: the two sides of a diff read a shared document once', () => {
  it('gives the second side the same object for the same text, and its own for changed text', () => {
    const documents = new ParsedDocuments();
    const base = parseManifests(`${deployment('a', 'x:1')}---\n${deployment('b', 'y:1')}`, 'deploy.yaml', {
      documents,
    });
    const head = parseManifests(`${deployment('a', 'x:1')}---\n${deployment('b', 'y:2')}`, 'deploy.yaml', {
      documents,
    });
    expect(head.resources[0]?.object).toBe(base.resources[0]?.object);
    expect(head.resources[1]?.object).not.toBe(base.resources[1]?.object);
    expect(head.resources[1]?.object).toMatchObject({ metadata: { name: 'b' } });
    // Without the cache every read makes its own object.
    const alone = parseManifests(deployment('a', 'x:1'), 'deploy.yaml');
    expect(alone.resources[0]?.object).not.toBe(base.resources[0]?.object);
    expect(alone.resources[0]?.object).toEqual(base.resources[0]?.object);
  });

  it('keeps each side its own file, document line and field lines', () => {
    const documents = new ParsedDocuments();
    const shared = `---\n${deployment('a', 'x:1')}`;
    const first = parseManifests(shared, 'one.yaml', { documents });
    const second = parseManifests(`# moved down\n\n${shared}`, 'two.yaml', { documents });
    const [r1, r2] = [first.resources[0], second.resources[0]];
    expect(r2?.object).toBe(r1?.object);
    expect([r1?.file, r1?.line]).toEqual(['one.yaml', 2]);
    expect([r2?.file, r2?.line]).toEqual(['two.yaml', 4]);
    const image = ['spec', 'template', 'spec', 'containers', 0, 'image'];
    expect(r1 && lineOf(r1, image)).toBe(11);
    expect(r2 && lineOf(r2, image)).toBe(13);
  });

  it('still reports each side’s own problems: a document the fast path refuses is read every time', () => {
    const documents = new ParsedDocuments();
    const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  name: again\n';
    for (const file of ['base.yaml', 'head.yaml']) {
      const parsed = parseManifests(broken, file, { documents });
      expect(parsed.findings.map((f) => [f.file, f.severity])).toEqual([[file, 'error']]);
    }
  });

  it('reads again under another depth limit', () => {
    const documents = new ParsedDocuments();
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: {b: {c: {d: 1}}}\n`;
    const loose = parseManifests(deep, 'a.yaml', { documents });
    expect(loose.findings).toEqual([]);
    const strict = parseManifests(deep, 'a.yaml', { documents, maxDepth: 3 });
    expect(strict.resources).toEqual([]);
    expect(strict.findings[0]?.message).toMatch(/deeper than 3/);
  });
});
