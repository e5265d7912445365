import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getInputBytes } from '../../src/engine/get-input-bytes.ts';

const root = mkdtempSync(join(tmpdir(), 'ferry-input-bytes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'deploy', 'nested'), { recursive: true });
mkdirSync(join(root, 'deploy', '.hidden'));
writeFileSync(join(root, 'deploy', 'a.yaml'), 'x'.repeat(100));
writeFileSync(join(root, 'deploy', 'nested', 'b.yaml'), 'x'.repeat(50));
writeFileSync(join(root, 'deploy', '.hidden', 'c.yaml'), 'x'.repeat(1000));
writeFileSync(join(root, 'big.yaml'), 'x'.repeat(300));

describe('getInputBytes', () => {
  it('counts the files under directories, skipping hidden entries', () => {
    expect(getInputBytes({ root, paths: ['deploy'], cap: 10_000 })).toBe(150);
  });

  it('counts a file given as a path as itself (ferry validate big.yaml)', () => {
    expect(getInputBytes({ root, paths: ['big.yaml', 'deploy'], cap: 10_000 })).toBe(450);
  });

  it('counts a missing path as nothing and stops once the cap is reached', () => {
    expect(getInputBytes({ root, paths: ['nowhere'], cap: 10_000 })).toBe(0);
    expect(getInputBytes({ root, paths: ['big.yaml', 'deploy'], cap: 200 })).toBeGreaterThanOrEqual(200);
    expect(getInputBytes({ root, paths: ['big.yaml', 'deploy'], cap: 200 })).toBeLessThan(450);
  });

  it('counts a file whose name is not UTF-8 as nothing, rather than failing (the render names it)', () => {
    mkdirSync(join(root, 'latin1'));
    writeFileSync(join(root, 'latin1', 'a.yaml'), 'x'.repeat(10));
    writeFileSync(
      Buffer.concat([Buffer.from(join(root, 'latin1', 'cm-')), Buffer.from([0xe9]), Buffer.from('.yaml')]),
      'x',
    );
    expect(getInputBytes({ root, paths: ['latin1'], cap: 10_000 })).toBe(10);
  });
});
