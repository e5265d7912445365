import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { redactFindings, scrubText, secretValuesOf } from '../../src/diff/redact-findings.ts';
import type { Finding, KubeObject, Resource } from '../../src/types.ts';

function resource(object: KubeObject): Resource {
  return {
    id: { group: '', kind: object.kind, namespace: 'ml', name: 'x' },
    apiVersion: object.apiVersion,
    object,
    file: 'a.yaml',
    line: 1,
  };
}

const secret = resource({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'x' },
  data: { password: Buffer.from('hunter22').toString('base64') },
  stringData: { pem: '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----', pin: '12' },
});

function finding(message: string): Finding {
  return { rule: 'schema', severity: 'error', file: 'a.yaml', line: 3, message };
}

describe('redactFindings', () => {
  it('replaces a quoted Secret value, plain or base64, in finding messages', () => {
    const findings = [
      finding('data.password: "hunter22" is not allowed'),
      finding(`data.password: ${Buffer.from('hunter22').toString('base64')} is bad`),
      finding('line MIIBOgIBAAJBAKj34GkxFhD9 is not a certificate'),
      finding('nothing secret here'),
    ];
    expect(redactFindings({ findings, resources: [secret] }).map((f) => f.message)).toEqual([
      'data.password: "<redacted>" is not allowed',
      'data.password: <redacted> is bad',
      'line <redacted> is not a certificate',
      'nothing secret here',
    ]);
  });

  it('leaves values too short to replace safely, and findings without Secrets, alone', () => {
    const findings = [finding('pin 12 is short')];
    expect(redactFindings({ findings, resources: [secret] })).toEqual(findings);
    expect(redactFindings({ findings, resources: [] })).toEqual(findings);
  });

  it('replaces the longest value first, so a value contained in another cannot expose the rest', () => {
    const values = secretValuesOf([
      resource({ apiVersion: 'v1', kind: 'Secret', stringData: { a: 'abcd', b: 'abcdefgh' } }),
    ]);
    expect(scrubText('x abcdefgh y abcd', values)).toBe('x <redacted> y <redacted>');
  });
});
