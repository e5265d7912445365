import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isSecretName, plaintextSecretRule } from '../../../src/validate/rules/plaintext-secret.ts';
import { messagesOf, resourcesOf, runRule } from './run-rule.ts';

describe('plaintext-secret', () => {
  it('reports a Secret with data, naming its keys and nothing else', () => {
    expect(
      runRule(
        plaintextSecretRule,
        `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: aHVudGVyMg==
stringData:
  user: admin
  password: hunter2`,
      ),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 6,
        message:
          'Secret ml/db has 2 plaintext values (keys: password, user); use SealedSecret, External Secrets or SOPS',
      },
    ]);
  });

  it('does not count a value the chart generates on every render (randAlphaNum) as committed', () => {
    // open-webui/helm-charts' terminals chart: api-key is `.Values.apiKey | default (randAlphaNum 32)`.
    const [secret] = resourcesOf(
      'apiVersion: v1\nkind: Secret\nmetadata: {name: terminals-api-key}\nstringData:\n  api-key: 3kQm9\n  a/b: x\n  mode: shared\n',
    );
    const generated = {
      ...(secret as NonNullable<typeof secret>),
      generated: ['/stringData/api-key', '/stringData/a~1b'],
    };
    expect(messagesOf(plaintextSecretRule, [generated])).toEqual([
      'Secret ml/terminals-api-key has 1 plaintext value (key: mode); use SealedSecret, External Secrets or SOPS',
    ]);
  });

  // awslabs/data-on-eks@a546a19 infra/terraform/manifests/argocd/quay-io-repo.yaml: an Argo CD declarative
  // repository Secret for a public registry, committed as Argo CD documents it, holds no credential.
  it('passes the keys of an Argo CD repository or cluster Secret that hold no credential', () => {
    const argo = (stringData: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: quay-io\n  namespace: argocd\n  labels: {argocd.argoproj.io/secret-type: repository}\nstringData:\n${stringData}`;
    expect(
      messagesOf(
        plaintextSecretRule,
        argo('  enableOCI: "true"\n  name: "quay.io"\n  type: helm\n  url: quay.io\n'),
      ),
    ).toEqual([]);
    expect(
      messagesOf(
        plaintextSecretRule,
        argo('  url: https://bot:hunter2@git.example.com/ml.git\n  type: git\n  password: hunter2\n'),
      ),
    ).toEqual([
      'Secret argocd/quay-io has 2 plaintext values (keys: url, password); use SealedSecret, External Secrets or SOPS',
    ]);
    // Without Argo CD's label, the same keys are any Secret's values.
    expect(
      messagesOf(
        plaintextSecretRule,
        'apiVersion: v1\nkind: Secret\nmetadata: {name: repo}\nstringData: {url: quay.io}\n',
      ),
    ).toEqual([
      'Secret ml/repo has 1 plaintext value (key: url); use SealedSecret, External Secrets or SOPS',
    ]);
  });

  // kubeflow/pipelines@7b70c7b manifests/kustomize/third-party/mysql/base/mysql-deployment.yaml.
  it('says nothing of a credential-named env var that holds a switch', () => {
    const pod = (value: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: mysql}\nspec:\n  containers:\n    - name: mysql\n      image: mysql:8.0.3\n      env:\n        - {name: MYSQL_ALLOW_EMPTY_PASSWORD, value: "${value}"}\n`;
    expect(messagesOf(plaintextSecretRule, pod('true'))).toEqual([]);
    expect(messagesOf(plaintextSecretRule, pod('no'))).toEqual([]);
    expect(messagesOf(plaintextSecretRule, pod('truelove'))).toHaveLength(1);
  });

  it('says value, singular, for one key and shortens long key lists', () => {
    expect(
      messagesOf(
        plaintextSecretRule,
        'apiVersion: v1\nkind: Secret\nmetadata: {name: one}\nstringData: {token: x}',
      ),
    ).toEqual([
      'Secret ml/one has 1 plaintext value (key: token); use SealedSecret, External Secrets or SOPS',
    ]);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}: v`).join(', ');
    expect(
      messagesOf(
        plaintextSecretRule,
        `apiVersion: v1\nkind: Secret\nmetadata: {name: many}\ndata: {${keys}}`,
      ),
    ).toEqual([
      'Secret ml/many has 12 plaintext values (keys: k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 and 2 more); use SealedSecret, External Secrets or SOPS',
    ]);
  });

  it.each([
    [
      'a service-account token Secret without data',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: t, annotations: {kubernetes.io/service-account.name: sa}}\ntype: kubernetes.io/service-account-token',
    ],
    [
      'a Secret with empty data',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: e}\ndata: {}\nstringData: {a: ""}',
    ],
    [
      'a SealedSecret',
      'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\nspec: {encryptedData: {password: AgBy3i4OJSWK}}',
    ],
    [
      'a SOPS-encrypted Secret',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: "ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:2=,type:str]"}\nsops: {version: 3.9.0}',
    ],
  ])('accepts %s', (_, yaml) => {
    expect(runRule(plaintextSecretRule, yaml)).toEqual([]);
  });

  it('reports the keys a SOPS file left unencrypted', () => {
    expect(
      messagesOf(
        plaintextSecretRule,
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: "ENC[AES256_GCM,data:Tr7o=,type:str]", user: YWRtaW4=}\nsops: {version: 3.9.0}',
      ),
    ).toEqual(['Secret ml/s has 1 plaintext value (key: user); use SealedSecret, External Secrets or SOPS']);
  });

  it('warns about credential env vars with literal values, at the value, without printing it', () => {
    expect(
      runRule(
        plaintextSecretRule,
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: server
          env:
            - name: HF_TOKEN
              value: hf_abcdefghijklmnop
            - name: OPENAI_API_KEY
              value: sk-live-123
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
            - name: MAX_NEW_TOKENS
              value: "512"`,
      ),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 11,
        message:
          'container server in Deployment ml/api sets HF_TOKEN to a literal value committed to Git; use valueFrom.secretKeyRef',
      },
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 13,
        message:
          'container server in Deployment ml/api sets OPENAI_API_KEY to a literal value committed to Git; use valueFrom.secretKeyRef',
      },
    ]);
  });

  it('says nothing of a value that only stands for a credential kept elsewhere', () => {
    const placeholders = [
      '$(DB_PASSWORD)',
      '$HF_TOKEN',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the value a user writes.
      '${HF_TOKEN}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the value a user writes.
      '${{ secrets.HF_TOKEN }}',
      '{{ .Values.token }}',
      '<your-hf-token>',
      // Worded placeholders (kubeflow/model-registry's catalog .env: HF_API_KEY=your-huggingface-api-key-here).
      'your-huggingface-api-key-here',
      'YOUR_OPENAI_API_KEY',
      'replace-me',
    ];
    const env = placeholders.map((v, i) => `            - {name: TOKEN_${i}, value: ${JSON.stringify(v)}}`);
    const pod = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: server
          env:
${env.join('\n')}
            - {name: HF_TOKEN, value: "\${HF_TOKEN:-hf_abc}"}
            - {name: API_KEY, value: "hf_$HF"}
            - {name: DB_PASSWORD, value: "<a>b<c>"}`;
    // A default, or a value with more than the reference, may hold the secret itself.
    expect(messagesOf(plaintextSecretRule, pod).map((m) => m.split(' sets ')[1]?.split(' ')[0])).toEqual([
      'HF_TOKEN',
      'API_KEY',
      'DB_PASSWORD',
    ]);
    const secret = `apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
${placeholders.map((v, i) => `  k${i}: ${JSON.stringify(v)}`).join('\n')}`;
    expect(messagesOf(plaintextSecretRule, secret)).toEqual([]);
    // In data as well (kaito's examples: `HF_TOKEN: <base64-encoded-huggingface-token>`); a real value
    // beside them is still reported, by its key alone.
    expect(messagesOf(plaintextSecretRule, secret.replace('stringData', 'data'))).toEqual([]);
    expect(
      messagesOf(plaintextSecretRule, `${secret.replace('stringData', 'data')}\n  real: aHVudGVyMg==`),
    ).toEqual(['Secret ml/db has 1 plaintext value (key: real); use SealedSecret, External Secrets or SOPS']);
    // A worded placeholder in base64, as kustomize's secretGenerator writes it, is one too; a default
    // password in words (`changeme`) is a credential, and a real value that happens to start so is too.
    const generated = (value: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  k: ${Buffer.from(value).toString('base64')}\n`;
    expect(messagesOf(plaintextSecretRule, generated('your-huggingface-api-key-here'))).toEqual([]);
    for (const real of ['changeme', 'your-pass$w0rd!', 'hf_yourtokenvalue'])
      expect(messagesOf(plaintextSecretRule, generated(real))).toHaveLength(1);
  });

  it('never puts a Secret or env value in a message, whatever the values are', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,12}$/);
    // A marker no key name, resource name or message template contains: if it shows up, a value leaked.
    const value = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `\u2063${s}\u2063`);
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }),
        fc.dictionary(key, value, { maxKeys: 5 }),
        value,
        (data, stringData, envValue) => {
          // YAML 1.1, as Ferry reads manifests (ADR 0002): keys such as `y` and `Y` are quoted, not
          // two spellings of `true`.
          const yaml = [
            stringify(
              { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data, stringData },
              { version: '1.1' },
            ),
            stringify({
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'p' },
              spec: { containers: [{ name: 'c', env: [{ name: 'API_TOKEN', value: envValue }] }] },
            }),
          ].join('---\n');
          const messages = messagesOf(plaintextSecretRule, yaml);
          expect(messages).toHaveLength(2);
          for (const message of messages) {
            expect(message).not.toContain('\u2063');
            for (const v of [...Object.values(data), ...Object.values(stringData), envValue]) {
              expect(message).not.toContain(v);
            }
          }
        },
      ),
    );
  });

  it('writes the same message for the same keys whatever the values', () => {
    const keys = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        keys,
        // Values, not stand-ins for one (`$A`, `<token>`): those are left out on purpose.
        fc.array(
          fc.string({ minLength: 1 }).map((s) => `v${s}`),
          { minLength: 6, maxLength: 6 },
        ),
        (names, values) => {
          const secret = (data: Record<string, string>) =>
            messagesOf(
              plaintextSecretRule,
              stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data }),
            );
          const first = Object.fromEntries(names.map((n, i) => [n, values[i] ?? 'x']));
          const second = Object.fromEntries(names.map((n) => [n, 'same']));
          expect(secret(first)).toEqual(secret(second));
        },
      ),
    );
  });
});

describe('isSecretName', () => {
  it.each([
    'PASSWORD',
    'DB_PASSWORD',
    'HF_TOKEN',
    'HUGGING_FACE_HUB_TOKEN',
    'OPENAI_API_KEY',
    'APIKEY',
    'AWS_SECRET_ACCESS_KEY',
    'ACCESS_KEY',
    'SSH_PRIVATE_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS_JSON',
    'apiToken',
    'client-secret',
  ])('treats %s as a credential', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'MAX_NEW_TOKENS',
    'TOKENIZER_NAME',
    'MODEL_NAME',
    'DB_PASSWORD_FILE',
    'SECRET_NAME',
    'AWS_ACCESS_KEY_ID',
    'TOKEN_URL',
    'KEY',
    'PASSPORT',
  ])('treats %s as not a credential', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
