import { describe, expect, it } from 'vitest';
import { objectSizeRule } from '../../../src/validate/rules/object-size.ts';
import { resourcesOf, runRule } from './run-rule.ts';

const MIB = 1024 * 1024;

function configMap(data: string, extra = ''): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: tokenizer
${extra}data:
${data}`;
}

describe('object-size', () => {
  it('is an error at the object for a ConfigMap over 1 MiB of data, saying the size, the limit and what to do', () => {
    const value = 'a'.repeat(MIB / 2 + 10);
    expect(
      runRule(objectSizeRule, configMap(`  a.json: ${value}\n  b.json: ${value}\n`, '  labels: {app: x}\n')),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 1,
        message:
          'ConfigMap ml/tokenizer holds 1048596 bytes (1.0 MiB) of data; the API server refuses more than 1 MiB (1048576 bytes) in one ConfigMap: split it into several ConfigMaps, or ship the file in the image or on a volume',
      },
    ]);
  });

  it('counts data as UTF-8 and binaryData decoded, as the API server does', () => {
    // 0.4 Mi characters of 3 UTF-8 bytes each: 1.2 MiB, though under 1 Mi characters.
    const wide = '€'.repeat(Math.ceil(0.4 * MIB));
    expect(runRule(objectSizeRule, configMap(`  a: ${wide}\n`))).toHaveLength(1);
    // 1.2 Mi base64 characters decode to 0.9 MiB: accepted.
    const encoded = 'QUJD'.repeat(Math.ceil((1.2 * MIB) / 4));
    expect(
      runRule(
        objectSizeRule,
        configMap('  a: small\n', '').replace('\ndata:', `\nbinaryData:\n  b: ${encoded}\ndata:`),
      ),
    ).toEqual([]);
    const more = 'QUJD'.repeat(Math.ceil((1.5 * MIB) / 4));
    expect(
      runRule(
        objectSizeRule,
        configMap('  a: small\n').replace('\ndata:', `\nbinaryData:\n  b: ${more}\ndata:`),
      ),
    ).toHaveLength(1);
  });

  it('counts a Secret decoded, with stringData merged over data by key', () => {
    const secret = (data: string, stringData: string) => `apiVersion: v1
kind: Secret
metadata: {name: weights}
data:
${data}stringData:
${stringData}`;
    const encoded = 'QUJD'.repeat(Math.ceil((0.9 * MIB) / 4)); // 0.675 MiB decoded
    const text = 'x'.repeat(Math.ceil(0.5 * MIB));
    expect(runRule(objectSizeRule, secret(`  a: ${encoded}\n`, `  b: ${text}\n`))).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/^Secret ml\/weights holds 12\d{5} bytes \(1\.2 MiB\) of data;/),
      }),
    ]);
    // stringData's `a` replaces data's `a`: 0.5 MiB in all.
    expect(runRule(objectSizeRule, secret(`  a: ${encoded}\n`, `  a: ${text}\n`))).toEqual([]);
  });

  it('stays quiet for a ConfigMap at exactly 1 MiB, and for data of a kind that is no ConfigMap', () => {
    expect(runRule(objectSizeRule, configMap(`  a: ${'a'.repeat(MIB)}\n`))).toEqual([]);
    const custom = configMap(`  a: ${'a'.repeat(MIB + 1)}\n`).replace(
      'apiVersion: v1',
      'apiVersion: acme.io/v1',
    );
    expect(runRule(objectSizeRule, custom)).toEqual([]);
  });

  it('warns of any object whose JSON is over etcd’s 1.5 MiB request limit', () => {
    const big = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: huge.acme.io
  annotations:
    a: ${'x'.repeat(0.8 * MIB)}
    b: ${'y'.repeat(0.8 * MIB)}
    c: "quotes \\" and \\\\ backslashes, a tab\\t, a bell \\a, é, 模型, 🚀"
`;
    const jsonBytes = (yaml: string) =>
      Buffer.byteLength(JSON.stringify(resourcesOf(yaml)[0]?.object), 'utf8');
    const found = runRule(objectSizeRule, big);
    expect(found).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 1,
        message: expect.stringContaining(
          `CustomResourceDefinition huge.acme.io is ${jsonBytes(big)} bytes (1.6 MiB) as JSON,`,
        ),
      },
    ]);
    expect(found[0]?.message).toContain(
      `over etcd's default request limit of 1.5 MiB (1572864 bytes): the API server would answer 500 "etcdserver: request is too large"; split it into smaller objects, or move large data into the image or a volume`,
    );
    // Escapes count: 0.3 Mi control characters are 1.8 MiB of JSON (\u0001 each).
    const escaped = big.replace(/a: x+\n\s+b: y+/, `a: "${'\\x01'.repeat(0.3 * MIB)}"`);
    expect(runRule(objectSizeRule, escaped)[0]?.message).toContain(`is ${jsonBytes(escaped)} bytes`);
    expect(runRule(objectSizeRule, big.replace(/b: y+/, 'b: y'))).toEqual([]);
  });

  it('gives a ConfigMap over both limits the data error only', () => {
    const found = runRule(objectSizeRule, configMap(`  a: ${'a'.repeat(2 * MIB)}\n`));
    expect(found.map((f) => f.severity)).toEqual(['error']);
  });

  it('survives an object that holds itself (a YAML alias loop)', () => {
    const [resource] = resourcesOf(configMap('  a: b\n'));
    if (!resource) throw new Error('no resource');
    const loop: Record<string, unknown> = { name: 'x' };
    loop.self = loop;
    const object = { ...resource.object, spec: loop };
    expect(runRule(objectSizeRule, [{ ...resource, object }])).toEqual([]);
  });
});
