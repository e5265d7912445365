import { describe, expect, it } from 'vitest';
import { generateManifests } from '../../bench/generate-manifests.ts';
import { locationOf, parsePointer } from '../../src/manifest/line-of.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { scanPlainLines, scanPlainLinesAlong } from '../../src/manifest/scan-plain-lines.ts';
import { DocumentLines } from '../../src/manifest/source-lines.ts';

/** Documents the line scan reads, and some it leaves to the `yaml` package (a flow map over two lines, a tab). */
const TEXT = [
  generateManifests(12),
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flow\ndata: {a: 1,\n  b: 2}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tabbed\ndata:\n  a: "x\ty"\n  b: |\n    text\n',
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: in-a-list\n  data:\n    a: b\n',
].join('---\n');

describe('field lines looked up one pointer at a time', () => {
  it('gives each pointer the line the whole map gives, present or not, before and after the map is made', () => {
    const reference = parseManifests(TEXT, 'a.yaml').resources.map((r) => r.lines?.all() ?? {});
    const resources = parseManifests(TEXT, 'a.yaml').resources;
    expect(resources.length).toBe(reference.length);
    resources.forEach((resource, i) => {
      const all = reference[i] ?? {};
      const pointers = Object.keys(all);
      expect(pointers.length).toBeGreaterThan(3);
      // Deepest first (as a finding asks), then absent fields under present ones, then every field.
      const asked = [
        ...[...pointers].sort((a, b) => b.split('/').length - a.split('/').length).slice(0, 3),
        ...pointers.slice(0, 3).map((p) => `${p}/absent`),
        '/absent',
        ...pointers,
      ];
      for (const pointer of asked) expect(resource.lines?.lineOf(pointer)).toBe(all[pointer]);
      // A finding on a field that is not there points at its deepest ancestor that is.
      const deepest = pointers.at(-1) ?? '';
      const path = [...parsePointer(deepest), 'missing', 'deeper'];
      expect(locationOf(resource, path).line).toBe(all[deepest]);
    });
  });

  it('keeps lines looked up before a stand-in is made (detached)', () => {
    const [resource] = parseManifests(generateManifests(1), 'a.yaml').resources;
    const lines = resource?.lines;
    const image = '/spec/template/spec/containers/0/image';
    const before = lines?.lineOf(image);
    expect(before).toBeGreaterThan(10);
    expect(lines?.detached?.().lineOf(image)).toBe(before);
    expect(lines?.detached?.().lineOf('/metadata/name')).toBe(lines?.all()['/metadata/name']);
  });

  it('scans along four paths at most (an ancestor already found is no scan), then makes the whole map once', () => {
    const text = 'a:\n  b: 1\n  c: 2\nd:\n  e: 3\nf: 4\ng: 5\n';
    const whole = scanPlainLines(text, 10) ?? {};
    let scans = 0;
    let maps = 0;
    const lines = DocumentLines.fromText(
      text,
      (t) => {
        maps++;
        return scanPlainLines(t, 10) ?? {};
      },
      10,
      (t, path) => {
        scans++;
        return scanPlainLinesAlong(t, 10, path);
      },
    );
    for (const pointer of ['/a/b', '/a/b', '/a', '/a/c', '/d/e', '/f']) {
      expect(lines.lineOf(pointer)).toBe(whole[pointer]);
    }
    expect([scans, maps]).toEqual([4, 0]);
    expect(lines.lineOf('/g')).toBe(whole['/g']);
    expect(lines.lineOf('/d')).toBe(whole['/d']);
    expect([scans, maps]).toEqual([4, 1]);
  });
});
