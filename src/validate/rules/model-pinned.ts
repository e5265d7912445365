import { asArray, asRecord, asString, type FieldPath } from '../../manifest/as-record.ts';
import { listContainers, listPodSpecs } from '../../manifest/list-pod-specs.ts';
import { formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import { memoizeByString } from '../memoize-by-string.ts';
import type { Rule, RuleFinding } from '../rule.ts';
import { hasLatestToken, redactUserInfo, unpinnedReason } from './unpinned-reason.ts';

/** Last words of env vars that carry a model's identity, when `MODEL` comes before them. */
const MODEL_ENV_SUFFIXES: ReadonlySet<string> = new Set([
  'VERSION',
  'URI',
  'URL',
  'TAG',
  'REVISION',
  'REF',
  'PATH',
  'ID',
  'NAME',
]);

/**
 * Whether an env var names a model: `MODEL`, `MODEL_VERSION`, `HF_MODEL_REVISION`, `BASE_MODEL_NAME`,
 * `STORAGE_URI`. Word-based rather than a regex: env names come from pull requests and must not backtrack.
 */
export const isModelEnvName = memoizeByString(judgeModelEnvName);

function judgeModelEnvName(name: string): boolean {
  const words = name.toUpperCase().split('_');
  const last = words.at(-1) ?? '';
  if (last === 'MODEL' || words.slice(-2).join('_') === 'STORAGE_URI') return true;
  return MODEL_ENV_SUFFIXES.has(last) && words.slice(0, -1).includes('MODEL');
}

/**
 * Model artifacts pinned to one version: a model that moves under a tag can change what a rollout (or a
 * rollback) serves without any commit. Checks KServe `storageUri`/`storageUris` of every model spec and
 * env vars naming a model version or URI that say `latest`.
 */
export const modelPinnedRule: Rule = {
  id: 'model-pinned',
  severity: 'warning',
  description:
    'Model artifacts (KServe storageUri, MODEL_VERSION-style env vars) name a fixed version, not latest or a bare repository.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      const isvc =
        groupOf(resource.apiVersion) === 'serving.kserve.io' && resource.object.kind === 'InferenceService';
      if (isvc) findings.push(...checkStorageUris(resource));
      findings.push(...checkEnv(resource, isvc));
    }
    return findings;
  },
};

/** `field` names the URI in the message; by default its dotted path (made only for a finding). */
function storageUriFinding(resource: Resource, uri: string, path: FieldPath, field?: string): RuleFinding[] {
  const reason = unpinnedReason(uri);
  if (reason === undefined) return [];
  return [
    {
      resource,
      path,
      message: `${formatResourceId(resource.id)}: ${field ?? dotted(path)} ${redactUserInfo(uri)} ${reason}; pin the model to one version (a versioned path like …/v3 or …/1.2.0, a digest, or hf://org/model@<commit>)`,
    },
  ];
}

function checkStorageUris(resource: Resource): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const report = (uri: string, path: FieldPath) => {
    findings.push(...storageUriFinding(resource, uri, path));
  };
  const holders: { value: Record<string, unknown>; path: FieldPath }[] = [];
  for (const pod of listPodSpecs(resource.object)) holders.push({ value: pod.spec, path: pod.path });
  for (const ref of listContainers(resource.object)) holders.push({ value: ref.container, path: ref.path });
  for (const { value, path } of holders) {
    const uri = asString(value.storageUri);
    if (uri !== undefined && uri.trim() !== '') report(uri, [...path, 'storageUri']);
    asArray(value.storageUris).forEach((item, i) => {
      const entry = asRecord(item);
      const one = asString(item) ?? asString(entry?.uri) ?? asString(entry?.storageUri);
      if (one !== undefined && one.trim() !== '') {
        const key =
          asString(item) !== undefined ? [] : asString(entry?.uri) !== undefined ? ['uri'] : ['storageUri'];
        report(one, [...path, 'storageUris', i, ...key]);
      }
    });
  }
  return findings;
}

function checkEnv(resource: Resource, isvc: boolean): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const ref of listContainers(resource.object)) {
    asArray(ref.container.env).forEach((item, i) => {
      const env = asRecord(item);
      const name = asString(env?.name);
      const value = asString(env?.value);
      if (!name || value === undefined || value.trim() === '' || !isModelEnvName(name)) return;
      // A KServe custom container reads its model from STORAGE_URI: it is a storageUri like any other.
      if (isvc && name === 'STORAGE_URI') {
        const path = [...ref.path, 'env', i, 'value'];
        findings.push(...storageUriFinding(resource, value, path, `${ref.name} env STORAGE_URI`));
        return;
      }
      if (!hasLatestToken(value)) return;
      findings.push({
        resource,
        path: [...ref.path, 'env', i, 'value'],
        message: `${ref.name} in ${formatResourceId(resource.id)} sets ${name} to "${redactUserInfo(value)}", which moves with every new model; set the exact model version it should serve`,
      });
    });
  }
  return findings;
}

/** `['spec','predictor','model','storageUri']` → `spec.predictor.model.storageUri`; indexes as `[0]`. */
function dotted(path: FieldPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
