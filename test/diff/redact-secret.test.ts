import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { diffSecretKeys, isSecret, redactSecrets } from '../../src/diff/redact-secret.ts';
import type { KubeObject } from '../../src/types.ts';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(fields: Partial<KubeObject>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'ml' }, ...fields };
}

describe('diffSecretKeys', () => {
  it('tells added, removed, changed and unchanged keys apart', () => {
    const before = secret({ stringData: { user: 'admin', password: 'hunter22', old: 'x' } });
    const after = secret({ stringData: { user: 'admin', password: 'hunter23', token: 't' } });
    expect(diffSecretKeys(before, after)).toEqual([
      { key: 'old', status: 'removed' },
      { key: 'password', status: 'changed' },
      { key: 'token', status: 'added' },
      { key: 'user', status: 'unchanged' },
    ]);
  });

  it('compares base64 data and plain stringData by their decoded bytes', () => {
    const before = secret({ data: { password: b64('hunter22'), pem: `${b64('line1\nline2')}` } });
    const after = secret({ stringData: { password: 'hunter22', pem: 'line1\nline3' } });
    expect(diffSecretKeys(before, after)).toEqual([
      { key: 'password', status: 'unchanged' },
      { key: 'pem', status: 'changed' },
    ]);
  });

  it('lets stringData win over data for the same key, as the API server does', () => {
    const before = secret({ data: { password: b64('old') }, stringData: { password: 'new' } });
    const after = secret({ stringData: { password: 'new' } });
    expect(diffSecretKeys(before, after)).toEqual([{ key: 'password', status: 'unchanged' }]);
  });

  it('does not equate two different invalid base64 strings', () => {
    expect(diffSecretKeys(secret({ data: { k: 'abc!' } }), secret({ data: { k: 'abc?' } }))).toEqual([
      { key: 'k', status: 'changed' },
    ]);
  });
});

describe('redactSecrets', () => {
  it('replaces every value with a marker that says how the key moved, never what it held', () => {
    const before = secret({
      data: { password: b64('hunter22'), user: b64('admin') },
      stringData: { gone: 'bye' },
    });
    const after = secret({
      data: { password: b64('hunter23'), user: b64('admin') },
      stringData: { token: 'tok' },
    });
    const out = redactSecrets({ before, after });
    expect(out.before).toEqual(
      secret({
        data: { password: '<redacted>', user: '<redacted>' },
        stringData: { gone: '<redacted, removed>' },
      }),
    );
    expect(out.after).toEqual(
      secret({
        data: { password: '<redacted, changed>', user: '<redacted>' },
        stringData: { token: '<redacted, added>' },
      }),
    );
  });

  it('marks every key plainly when the Secret is new or removed', () => {
    expect(redactSecrets({ after: secret({ stringData: { a: 'secret-a' } }) }).after).toEqual(
      secret({ stringData: { a: '<redacted>' } }),
    );
    expect(redactSecrets({ before: secret({ data: { a: b64('secret-a') } }) }).before).toEqual(
      secret({ data: { a: '<redacted>' } }),
    );
  });

  it('scrubs the last-applied annotation, which holds a copy of the values', () => {
    const before = secret({
      metadata: {
        name: 'creds',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"aHVudGVyMjI="}}',
          team: 'ml',
        },
      },
      data: { p: 'aHVudGVyMjI=' },
    });
    expect(redactSecrets({ before }).before?.metadata).toEqual({
      name: 'creds',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '<redacted>', team: 'ml' },
    });
  });

  it('replaces any field that is not known to be value-free', () => {
    const odd = secret({
      type: 'Opaque',
      immutable: true,
      binaryData: { k: 'AAAA' },
      data: 'not-a-map' as never,
    });
    expect(redactSecrets({ after: odd }).after).toEqual(
      secret({ type: 'Opaque', immutable: true, binaryData: '<redacted>', data: '<redacted>' }),
    );
  });

  it('redacts Secrets inside a List, paired by name across sides', () => {
    const list = (value: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        secret({ stringData: { password: value } }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'visible' } },
      ],
    });
    const out = redactSecrets({ before: list('one-value'), after: list('two-value') });
    expect(out.after?.items).toEqual([
      secret({ stringData: { password: '<redacted, changed>' } }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'visible' } },
    ]);
    expect(JSON.stringify(out)).not.toMatch(/one-value|two-value/);
  });

  it('leaves other kinds alone, including Secrets of other API groups', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } };
    const sealed: KubeObject = { apiVersion: 'bitnami.com/v1alpha1', kind: 'Secret', spec: { x: 1 } };
    expect(redactSecrets({ before: cm, after: cm })).toEqual({ before: cm, after: cm });
    expect(isSecret(sealed)).toBe(false);
  });
});
