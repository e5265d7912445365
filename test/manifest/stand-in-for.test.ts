import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { lineOf } from '../../src/manifest/line-of.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { standInFor } from '../../src/manifest/stand-in-for.ts';
import type { Resource } from '../../src/types.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PAD = 50_000;

/** 200 Services, each after a 50 KB comment: a 10 MB file. */
function bigFile(): string {
  return Array.from(
    { length: 200 },
    (_, i) =>
      `# ${String(i).repeat(PAD / String(i).length)}\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  selector:\n    app: a${i}\n`,
  ).join('---\n');
}

/** One stand-in of the parsed file, the file and its other resources dropped. */
function keepOne(): Resource {
  const resources = parseManifests(bigFile(), 'big.yaml').resources;
  return standInFor(resources[7] as Resource);
}

describe('standInFor', () => {
  it('keeps the field lines of its resource, and none of the object but apiVersion and kind', () => {
    const [resource] = parseManifests(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n',
      'svc.yaml',
    ).resources;
    const kept = standInFor(resource as Resource);
    expect(kept.object).toEqual({ apiVersion: 'v1', kind: 'Service' });
    expect(lineOf(kept, ['spec', 'selector', 'app'])).toBe(7);
    expect(kept).toMatchObject({ file: 'svc.yaml', line: 1, id: { kind: 'Service', name: 'web' } });
  });

  it('does not keep its file alive: only a copy of its own document', () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = keepOne();
    // V8 keeps the subject of the last regular expression run (RegExp.input): run one on something else.
    /x/.test('x');
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // The file is 10 MB; the stand-in's document, ~50 KB. A view of the file's text would keep it all.
    expect(grown).toBeLessThan(3 * 1024 * 1024);
    expect(lineOf(kept, ['spec', 'selector', 'app'])).toBe(7 * 9 + 8);
  });
});
