import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPaths } from '../../src/engine/check-paths.ts';
import { checkRendered } from '../../src/engine/check-target.ts';
import { loadSchemaFiles } from '../../src/engine/load-schema-files.ts';
import { renderPaths } from '../../src/render/render-paths.ts';
import type { Resource } from '../../src/types.ts';
import { heapHolds, newMarker } from '../helpers/heap-holds.ts';
import { fileNameOf, filesOf, NAMES, textOf } from './dependent-documents.ts';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A repository whose files are spread over the paths given to `ferry validate`: group 0 files are
 * named on their own, group g ≥ 1 files sit in the plain directory `p<g>`, and `kustomized` files
 * in a kustomization `k`. `order` says in which order the paths are given.
 */
function layout(
  files: readonly (readonly string[])[],
  groups: readonly number[],
  kustomized: readonly boolean[],
  order: readonly number[],
): { root: string; paths: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'ferry-paths-'));
  made.push(root);
  const paths: string[] = [];
  const kustomization: string[] = [];
  files.forEach((docs, i) => {
    const name = fileNameOf(i, docs);
    if (kustomized[i % kustomized.length]) {
      mkdirSync(join(root, 'k'), { recursive: true });
      writeFileSync(join(root, 'k', name), textOf(docs));
      kustomization.push(name);
      return;
    }
    const group = groups[i % groups.length] ?? 0;
    const dir = group === 0 ? 'files' : `p${group}`;
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, name), textOf(docs));
    const path = group === 0 ? `files/${name}` : dir;
    if (!paths.includes(path)) paths.push(path);
  });
  if (kustomization.length > 0) {
    writeFileSync(
      join(root, 'k', 'kustomization.yaml'),
      `resources:\n${kustomization.map((f) => `  - ${f}`).join('\n')}\n`,
    );
    paths.push('k');
  }
  // The paths in the asked order: each takes the place its rank says.
  const ranked = paths.map((path, i) => ({ path, rank: order[i % order.length] ?? 0, i }));
  ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return { root, paths: ranked.map((r) => r.path) };
}

/** checkPaths (streamed) beside the whole set: renderPaths without a sink, then checkRendered. */
async function both(root: string, paths: string[]) {
  const rendered = await renderPaths({ root, paths });
  const whole = await checkRendered({
    rendered,
    schemas: await loadSchemaFiles(root, []),
    kubernetesVersion: '1.34',
  });
  const streamed = await checkPaths({ root, paths, kubernetesVersion: '1.34' });
  return { whole: { findings: whole.findings, failed: whole.failed, checked: whole.checked }, streamed };
}

describe('checkPaths', () => {
  it('checks several paths as one set: a CRD in a later path, a Service before its workload in another', async () => {
    const { root, paths } = layout(
      [
        ['widget', 'badWidget'],
        ['service', 'lonelyService'],
        ['deploy'],
        ['crd'],
        ['secret', 'quotesSecret'],
      ],
      [1, 2, 0, 3, 2],
      [false],
      [0],
    );
    expect(paths).toEqual(['p1', 'p2', 'files/f002.yaml', 'p3']);
    const { whole, streamed } = await both(root, paths);
    expect(streamed).toEqual(whole);
    const messages = whole.findings.map((f) => f.message).join('\n');
    expect(messages).toContain('spec.size');
    expect(messages).not.toContain('no schema for example.com/v1 Widget');
    expect(messages).toContain('Service ml/lonely selects');
    expect(messages).not.toContain('Service ml/api selects');
    expect(messages).not.toContain('s3cr3t-t0ken!');
    expect(whole.checked).toBe(8);
  });

  it('gives the findings of the whole set for any paths, order and split, a kustomization among them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...NAMES, 'broken'], { minLength: 1 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 5 }),
        async (docs, sizes, groups, kustomized, order) => {
          const { root, paths } = layout(filesOf(docs, sizes), groups, kustomized, order);
          const { whole, streamed } = await both(root, paths);
          expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('parses CRD files for their schemas one at a time, and keeps a budget of them parsed for their turn', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-paths-'));
    made.push(root);
    const marker = newMarker();
    // Past KEPT_PARSED_CHARS (8 Mi) on its own: parsed for `first`, dropped, parsed again in its turn.
    // Written from a closure, so the test holds no string with the marker.
    (() => {
      const crd = (kind: string) =>
        `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${kind.toLowerCase()}s.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {replicas: {type: integer}}}\n`;
      const padding = `# ${marker.toString('utf8')}\n${'# a long description of the model server\n'.repeat(215_000)}`;
      writeFileSync(join(root, 'a-big-crd.yaml'), `${crd('ModelServer')}${padding}`);
      writeFileSync(join(root, 'b-crd.yaml'), crd('Pipeline'));
      writeFileSync(
        join(root, 'c-uses.yaml'),
        'apiVersion: example.com/v1\nkind: ModelServer\nmetadata: {name: m}\nspec: {replicas: two}\n',
      );
    })();
    let heldAtSecond: boolean | undefined;
    const parts: string[][] = [];
    await renderPaths({
      root,
      paths: ['.'],
      sink: {
        scan: (text) => text.includes('CustomResourceDefinition'),
        first: (resources) => {
          let seen = 0;
          for (const r of resources) {
            seen++;
            // The big file's parse and text are garbage once the iteration has moved past it.
            if (r.object.metadata && seen === 2) {
              /x/.test('x');
              heldAtSecond = heapHolds(marker);
            }
          }
        },
        part: async (resources) => {
          parts.push(resources.map((r) => r.id.kind));
        },
      },
    });
    expect(heldAtSecond).toBe(false);
    expect(parts).toEqual([['CustomResourceDefinition'], ['CustomResourceDefinition'], ['ModelServer']]);
    // The same findings as the whole set: the ModelServer is checked against the big file's schema.
    const { whole, streamed } = await both(root, ['.']);
    expect(streamed).toEqual(whole);
    expect(streamed.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toContain('c-uses.yaml:4 schema');
  });

  it('reads only the CRDs of a file that mixes them with other documents before its turn', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-paths-'));
    made.push(root);
    const crd =
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {size: {type: integer}}}\n';
    mkdirSync(join(root, 'p'));
    writeFileSync(
      join(root, 'p', 'a.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before}\n---\n${crd}---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n`,
    );
    const first: string[] = [];
    const parts: string[][] = [];
    await renderPaths({
      root,
      paths: ['p'],
      sink: {
        scan: (text) => text.includes('CustomResourceDefinition'),
        first: (resources) => {
          for (const r of resources) first.push(r.id.kind);
        },
        part: async (resources) => {
          parts.push(resources.map((r) => r.id.kind));
        },
      },
    });
    expect(first).toEqual(['CustomResourceDefinition']);
    expect(parts).toEqual([['ConfigMap', 'CustomResourceDefinition', 'Widget']]);
    const { whole, streamed } = await both(root, ['p']);
    expect(streamed).toEqual(whole);
    expect(streamed.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toContain('p/a.yaml:26 schema');
  });

  it("reports a document without a string kind as the user's mistake beside a Secret, not as a crash", async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-paths-'));
    made.push(root);
    writeFileSync(
      join(root, 'secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: abcdefghijkl}\n',
    );
    writeFileSync(join(root, 'a.yaml'), 'apiVersion: v1\nmetadata: {name: a}\n---\nkind: [x]\n');
    const { findings, failed } = await checkPaths({ root, paths: ['.'], kubernetesVersion: '1.34' });
    expect(failed).toBe(true);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual(
      expect.arrayContaining([
        'a.yaml:1 parse document has apiVersion but no kind',
        'a.yaml:4 parse document has kind but no apiVersion',
        'a.yaml:4 parse kind must be a non-empty string',
      ]),
    );
  });

  it('reads plain paths file by file, with no cap on their total size (each file keeps its own)', async () => {
    const { root, paths } = layout([['deploy'], ['service'], ['crd']], [1], [false], [0]);
    const limits = { maxOutputBytes: 700 };
    const whole = await renderPaths({ root, paths, limits });
    expect(whole.failed).toBe(true);
    expect(whole.findings.map((f) => f.message)).toEqual([
      'render output exceeded 700 bytes; a target in .github/ferry.yml can allow more (maxRenderMiB)',
    ]);

    const parts: string[][] = [];
    let first: Resource[] = [];
    const streamed = await renderPaths({
      root,
      paths,
      limits,
      sink: {
        scan: (bytes) => bytes.includes('CustomResourceDefinition'),
        first: (resources) => {
          first = [...resources];
        },
        part: async (resources) => {
          parts.push(resources.map((r) => r.id.kind));
        },
      },
    });
    expect(streamed).toMatchObject({ failed: false, streamed: true, resources: [], findings: [] });
    expect(first.map((r) => r.id.kind)).toEqual(['CustomResourceDefinition']);
    expect(parts).toEqual([['Deployment'], ['Service'], ['CustomResourceDefinition']]);
    expect(streamed.parts).toEqual([{ path: 'p1', renderer: 'plain', failed: false }]);

    // Each file still has its cap.
    const tight = await renderPaths({
      root,
      paths,
      limits: { maxOutputBytes: 100 },
      sink: {
        scan: () => false,
        first: () => undefined,
        part: async () => undefined,
      },
    });
    expect(tight.failed).toBe(true);
    expect(tight.parts).toEqual([{ path: 'p1', renderer: 'plain', failed: true }]);
    expect(tight.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(
        /^file is \d+ bytes, over the 100-byte limit; a target in \.github\/ferry\.yml can allow more \(maxRenderMiB\)$/,
      ),
    );
  });
});

describe('loadSchemaFiles', () => {
  it('says a schemas entry that does not exist is to be fixed in .github/ferry.yml', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-schemas-'));
    try {
      const { findings } = await loadSchemaFiles(root, ['crds']);
      expect(findings.map((f) => f.message)).toEqual([
        "schemas: crds does not exist in this revision: fix the target's schemas in .github/ferry.yml, or add it",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
