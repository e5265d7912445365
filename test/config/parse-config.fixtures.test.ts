import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.ts';
import { parseConfig } from '../../src/config/parse-config.ts';

/**
 * Table-driven over test/config/fixtures/invalid/*.yml: each file states the findings it must produce in
 * `# expect <line>: <message>` comments (lines count from 1, comments included).
 */
const dir = path.join(import.meta.dirname, 'fixtures/invalid');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort();

describe.each(cases)('invalid config %s', (name) => {
  const text = readFileSync(path.join(dir, name), 'utf8');
  const expected = [...text.matchAll(/^# expect (\d+): (.*)$/gm)].map((m) => ({
    line: Number(m[1]),
    message: m[2],
  }));

  it('reports each problem with its key path and line, and falls back to the default config', () => {
    expect(expected.length).toBeGreaterThan(0);
    const { config, findings } = parseConfig(text, { file: `.github/${name}`, defaultBranch: 'trunk' });
    expect(findings.map(({ line, message }) => ({ line, message }))).toEqual(expected);
    for (const f of findings) {
      expect(f).toMatchObject({ rule: 'config', severity: 'error', file: `.github/${name}` });
    }
    expect(config).toEqual(defaultConfig('trunk'));
  });
});
