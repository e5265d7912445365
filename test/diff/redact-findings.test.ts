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

  // kubeflow/pipelines@7b70c7b manifests/kustomize/base/installs/generic/postgres/postgres-secret-extended.yaml
  // (username: user, password: "password") and third-party/postgresql/base/pg-secret.yaml (root_password).
  it('keeps a key whole that holds a value inside it, and masks a key that is a value', () => {
    const secrets = [
      resource({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'postgres-secret-extended' },
        stringData: { username: 'user', password: 'password' },
      }),
      resource({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'pg' },
        data: { root_password: 'password' },
      }),
    ];
    const findings = [
      finding('Secret postgres-secret-extended has 2 plaintext values (keys: username, password)'),
      finding('Secret pg has 1 plaintext value (key: root_password); the login is user, the value password'),
    ];
    expect(redactFindings({ findings, resources: secrets }).map((f) => f.message)).toEqual([
      'Secret postgres-secret-extended has 2 plaintext values (keys: username, <redacted>)',
      'Secret pg has 1 plaintext value (key: root_password); the login is <redacted>, the value <redacted>',
    ]);
  });

  it('masks values, not words: field paths, resource names and files that contain a value stay as written', () => {
    const named = (object: KubeObject, file: string): Resource => ({
      ...resource(object),
      id: { group: '', kind: object.kind, namespace: 'ml', name: (object.metadata as { name: string }).name },
      file,
    });
    const ceph = [
      named(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'ceph-secret-admin' },
          stringData: { key: 'admin', user: 'pool' },
        },
        'volumes/rbd/secret.yaml',
      ),
      named(
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'rbd-admin' },
          spec: { volumes: [{ name: 'data', rbd: { pool: 'kube', user: 'admin' } }] },
        },
        'volumes/rbd/admin.yaml',
      ),
    ];
    const findings = [
      finding('spec.volumes[0].rbd.pool: Required value'),
      finding('Secret ceph-secret-admin has plaintext values; Secret ml/ceph-secret-admin too'),
      finding('see volumes/rbd/admin.yaml: Pod rbd-admin mounts it'),
      finding('user "admin" and "pool" are quoted values, so are admin and pool here'),
      finding('the value admin.pool is not a path: admin and pool are values, not field names'),
    ];
    expect(redactFindings({ findings, resources: ceph }).map((f) => f.message)).toEqual([
      'spec.volumes[0].rbd.pool: Required value',
      'Secret ceph-secret-admin has plaintext values; Secret ml/ceph-secret-admin too',
      'see volumes/rbd/admin.yaml: Pod rbd-admin mounts it',
      'user "<redacted>" and "<redacted>" are quoted values, so are <redacted> and <redacted> here',
      'the value <redacted>.<redacted> is not a path: <redacted> and <redacted> are values, not field names',
    ]);
  });
});

// kubeflow/katib manifests/v1beta1/components: Secrets katib-mysql-secrets (MYSQL_ROOT_PASSWORD "test")
// and katib-postgres-secrets ("katib"), beside images ghcr.io/kubeflow/katib/katib-ui:latest and
// findings that name files as file:line. The messages read "ghcr.io/kubeflow/<redacted>/<redacted>-ui:la<redacted>".
describe('redactFindings: values that are ordinary words', () => {
  const katib = [
    {
      ...resource({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'katib-mysql-secrets' },
        data: { MYSQL_ROOT_PASSWORD: Buffer.from('test').toString('base64') },
        stringData: { POSTGRES_USER: 'katib' },
      }),
      file: 'installs/katib-cert-manager/secret.yaml',
    },
    {
      ...resource({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'katib-ui' },
        spec: {
          template: {
            spec: { containers: [{ name: 'ui', image: 'ghcr.io/kubeflow/katib/katib-ui:latest' }] },
          },
        },
      }),
      id: { group: 'apps', kind: 'Deployment', namespace: 'kubeflow', name: 'katib-ui' },
      file: 'components/ui/ui.yaml',
    },
  ];

  it('masks a short value only as a whole word, never inside a longer one', () => {
    const findings = [
      finding('the tag latest moves; the contest is over'),
      finding('DB_PASSWORD=test and user katib, password "test"'),
    ];
    expect(redactFindings({ findings, resources: katib }).map((f) => f.message)).toEqual([
      'the tag latest moves; the contest is over',
      'DB_PASSWORD=<redacted> and user <redacted>, password "<redacted>"',
    ]);
  });

  it("keeps the manifests' image references and files named with a line as written", () => {
    const findings = [
      finding(
        'image ghcr.io/kubeflow/katib/katib-ui:latest uses the moving tag latest; pin a digest (ghcr.io/kubeflow/katib/katib-ui@sha256:<digest>)',
      ),
      finding('Deployment katib-ui is also defined at installs/katib-cert-manager/secret.yaml:41; only one'),
    ];
    expect(redactFindings({ findings, resources: katib }).map((f) => f.message)).toEqual([
      'image ghcr.io/kubeflow/katib/katib-ui:latest uses the moving tag latest; pin a digest (ghcr.io/kubeflow/katib/katib-ui@sha256:<digest>)',
      'Deployment katib-ui is also defined at installs/katib-cert-manager/secret.yaml:41; only one',
    ]);
  });

  it("masks a value in the tag of an image the manifests run: only the image's repository is public", () => {
    const token = 'tok-3f9a7c21b8e4d6';
    const withToken = [
      {
        ...resource({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pull' }, stringData: { token } }),
        file: 'secret.yaml',
      },
      {
        ...resource({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'app' },
          spec: { template: { spec: { containers: [{ name: 'a', image: `ghcr.io/acme/app:${token}` }] } } },
        }),
        file: 'app.yaml',
      },
    ];
    const findings = [finding(`image ghcr.io/acme/app:${token} is not pinned by digest`)];
    expect(redactFindings({ findings, resources: withToken }).map((f) => f.message)).toEqual([
      'image ghcr.io/acme/app:<redacted> is not pinned by digest',
    ]);
  });
});
