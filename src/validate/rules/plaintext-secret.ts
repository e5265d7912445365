import { Buffer } from 'node:buffer';
import { asArray, asRecord, asString } from '../../manifest/as-record.ts';
import { formatPointer } from '../../manifest/line-of.ts';
import { listContainers } from '../../manifest/list-pod-specs.ts';
import { formatResourceId } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import { memoizeByString } from '../memoize-by-string.ts';
import type { Rule, RuleFinding } from '../rule.ts';

/** How many key names a message lists before "and N more". */
const MAX_KEYS_SHOWN = 10;

/** Name words that mark a credential. */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'PASSWORD',
  'PASSWD',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'APIKEY',
]);
/** Two-word names that mark a credential (`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `SECRET_KEY`). */
const SECRET_PAIRS: ReadonlySet<string> = new Set(['API_KEY', 'ACCESS_KEY', 'PRIVATE_KEY', 'SECRET_KEY']);
/** A last word that makes the variable a pointer to a credential, not the credential itself. */
const REFERENCE_SUFFIXES: ReadonlySet<string> = new Set([
  'FILE',
  'PATH',
  'DIR',
  'NAME',
  'ID',
  'URL',
  'URI',
  'ENDPOINT',
  'REF',
  'HEADER',
  'TYPE',
  'KEY_ID',
]);

/**
 * Secret values committed to Git: a core `v1 Secret` with `data` or `stringData` (base64 is an encoding,
 * not encryption) and, as a warning, container env vars whose name says credential and whose value is a
 * literal. Messages name keys, never values, their lengths or hashes.
 */
export const plaintextSecretRule: Rule = {
  id: 'plaintext-secret',
  severity: 'error',
  description:
    'No Secret values in Git: Secrets carry no data/stringData, and credential env vars use valueFrom.secretKeyRef.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      if (resource.apiVersion === 'v1' && resource.object.kind === 'Secret') {
        findings.push(...checkSecret(resource));
      }
      findings.push(...checkEnv(resource));
    }
    return findings;
  },
};

/** SOPS-encrypted values look like `ENC[AES256_GCM,data:…,type:str]`: ciphertext, safe to commit. */
function isSopsCiphertext(value: unknown): boolean {
  return typeof value === 'string' && /^ENC\[[A-Z0-9_]+,.*\]$/s.test(value);
}

/**
 * A value that stands for a credential kept elsewhere instead of holding one: a Kubernetes reference
 * to another variable (`$(DB_PASSWORD)`), a shell or envsubst variable (`$HF_TOKEN`, `${HF_TOKEN}`,
 * `${{ secrets.HF_TOKEN }}`), a template left unrendered (`{{ .Values.token }}`) or a documentation
 * placeholder (`<your-hf-token>`). Nothing secret is in Git; a default (`${TOKEN:-…}`) may be, so it
 * does not count.
 */
const PLACEHOLDER =
  /^\s*(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$?\{\{[^{}]*\}\}|<[^<>\n]+>)\s*$/;
/**
 * A placeholder written as words that tell the reader what to put there (kubeflow/model-registry's
 * `HF_API_KEY=your-huggingface-api-key-here`, `YOUR_API_KEY`, `replace-me`): no service takes it as
 * a credential. A default password (`changeme`) is one, and still counts.
 */
const WORDED_PLACEHOLDER =
  /^\s*(?:your|replace|insert|put|enter)(?:[-_ ][A-Za-z0-9]+)+\s*$|^\s*replace[-_]?me\s*$/i;

function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && (PLACEHOLDER.test(value) || WORDED_PLACEHOLDER.test(value));
}

/**
 * A Secret's placeholder value: in `data` too, where it is not base64 either (the schema reports that,
 * not a leak), or base64 of one, as kustomize's secretGenerator writes an .env file's
 * (`HF_API_KEY=your-…-here`).
 */
function standsForCredential(field: string, value: unknown): boolean {
  if (isPlaceholder(value)) return true;
  return field === 'data' && typeof value === 'string' && isPlaceholder(decodeBase64(value));
}

/** The label that makes a Secret one of Argo CD's declarative repositories, credential templates or clusters. */
const ARGOCD_SECRET_TYPE = 'argocd.argoproj.io/secret-type';

/**
 * Keys of Argo CD's declarative repository, repo-creds and cluster Secrets that hold no credential
 * (argo-cd docs, operator-manual/declarative-setup): a public repository's Secret holds only these, and
 * is committed as Argo CD documents it (awslabs/data-on-eks' quay-io: enableOCI, name, type, url).
 * `username`, `password`, `sshPrivateKey`, `tlsClientCert*`, `githubAppPrivateKey`, `bearerToken`,
 * `gcpServiceAccountKey` and a cluster's `config` are credentials; so is a URL with a user or password in it.
 */
const ARGOCD_PUBLIC_KEYS: ReadonlySet<string> = new Set([
  'url',
  'type',
  'name',
  'project',
  'enableOCI',
  'enableLfs',
  'insecure',
  'insecureIgnoreHostKey',
  'forceHttpBasicAuth',
  'noProxy',
  'githubAppID',
  'githubAppInstallationID',
  'githubAppEnterpriseBaseUrl',
  'useAzureWorkloadIdentity',
  'server',
  'namespaces',
  'clusterResources',
]);

/** Whether `key` of an Argo CD declarative Secret holds no credential (a URL only without userinfo). */
function isArgoCdPublicKey(resource: Resource, key: string, value: unknown): boolean {
  const labels = asRecord(asRecord(resource.object.metadata)?.labels);
  if (asString(labels?.[ARGOCD_SECRET_TYPE]) === undefined || !ARGOCD_PUBLIC_KEYS.has(key)) return false;
  // `data` is base64: its text is judged as stringData's would be.
  const text = typeof value === 'string' ? value : '';
  return !URL_WITH_USERINFO.test(text) && !URL_WITH_USERINFO.test(decodeBase64(text));
}

/** A URL carrying a user or password (`https://bot:token@host/…`). */
const URL_WITH_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i;

function decodeBase64(text: string): string {
  return /^[A-Za-z0-9+/]+=*$/.test(text) ? Buffer.from(text, 'base64').toString('latin1') : '';
}

function checkSecret(resource: Resource): RuleFinding[] {
  const sops = asRecord(resource.object.sops) !== undefined;
  const keys: string[] = [];
  const generated = resource.generated && new Set(resource.generated);
  let path: string[] | undefined;
  for (const field of ['data', 'stringData']) {
    const values = asRecord(resource.object[field]);
    if (!values) continue;
    for (const [key, value] of Object.entries(values)) {
      if (value === null || value === undefined || value === '') continue;
      if (sops && isSopsCiphertext(value)) continue;
      if (standsForCredential(field, value)) continue;
      // Generated by the chart on every render (randAlphaNum): not in Git, whatever else is wrong with it.
      if (generated?.has(formatPointer([field, key]))) continue;
      if (isArgoCdPublicKey(resource, key, value)) continue;
      if (!keys.includes(key)) keys.push(key);
      path ??= [field];
    }
  }
  if (keys.length === 0) return [];
  const shown = keys.slice(0, MAX_KEYS_SHOWN).join(', ');
  const more = keys.length > MAX_KEYS_SHOWN ? ` and ${keys.length - MAX_KEYS_SHOWN} more` : '';
  const count = keys.length === 1 ? '1 plaintext value (key: ' : `${keys.length} plaintext values (keys: `;
  return [
    {
      resource,
      path,
      message: `${formatResourceId(resource.id)} has ${count}${shown}${more}); use SealedSecret, External Secrets or SOPS`,
    },
  ];
}

/** Whether an env var name says it holds a credential: `HF_TOKEN`, `OPENAI_API_KEY`, `DB_PASSWORD`. */
export const isSecretName = memoizeByString(judgeSecretName);

function judgeSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  const last = words.at(-1) ?? '';
  const lastTwo = words.slice(-2).join('_');
  if (REFERENCE_SUFFIXES.has(last) || REFERENCE_SUFFIXES.has(lastTwo)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words.some((w, i) => SECRET_PAIRS.has(`${w}_${words[i + 1] ?? ''}`));
}

/**
 * A switch, not a credential: `MYSQL_ALLOW_EMPTY_PASSWORD: "true"` (kubeflow/pipelines' MySQL) names a
 * password and holds a yes or no about it.
 */
function isSwitch(value: unknown): boolean {
  return typeof value === 'string' && /^\s*(?:true|false|yes|no|on|off|0|1)\s*$/i.test(value);
}

function checkEnv(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const ref of listContainers(resource.object)) {
    asArray(ref.container.env).forEach((item, i) => {
      const env = asRecord(item);
      const name = asString(env?.name);
      const value = env?.value;
      if (!name || value === undefined || value === null || value === '' || !isSecretName(name)) return;
      if (isPlaceholder(value) || isSwitch(value)) return;
      findings.push({
        resource,
        path: [...ref.path, 'env', i, 'value'],
        severity: 'warning',
        message: `${ref.name} in ${formatResourceId(resource.id)} sets ${name} to a literal value committed to Git; use valueFrom.secretKeyRef`,
      });
    });
  }
  return findings;
}
