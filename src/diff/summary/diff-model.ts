import { KSERVE_PREDICTOR_SPECS } from '../../manifest/kserve.ts';
import { formatTransition } from './format-transition.ts';
import type { PodSpecView } from './pod-specs-of.ts';
import { isObj, readList, readObj, readText } from './read-path.ts';

/**
 * Environment variables that name the model a server loads (`MODEL_URI`, `HF_MODEL_ID`,
 * `SERVED_MODEL_NAME`…). Deliberately narrow: `MODEL_TOKEN` or `MODEL_API_KEY` must never be echoed.
 */
const MODEL_ENV =
  /(?:^|_)MODEL(?:_(?:ID|NAME|URI|URL|PATH|DIR|REPO|REPOSITORY|STORE|BASE_PATH|VERSION|REVISION|TAG))?$/i;
/** Revision variables of model servers and the Hugging Face hub (`REVISION`, `HF_REVISION`, TGI's `REVISION`). */
const REVISION_ENV = /^(?:HF_|HUGGING_FACE_HUB_|HUGGINGFACE_)?(?:MODEL_)?REVISION$/i;
/** Flags of common model servers (vLLM, TGI, TF Serving, Triton, TorchServe, MLServer). */
const MODEL_FLAGS = new Set([
  '--model',
  '--model-id',
  '--model-name',
  '--model_name',
  '--served-model-name',
  '--model-path',
  '--model_path',
  '--model_base_path',
  '--model-repository',
  '--model-store',
  '--model-uri',
  '--model-dir',
  '--model_dir',
  '--models',
  // Revisions: vLLM `--revision`/`--tokenizer-revision`, TGI `--revision`, `--model-revision` elsewhere.
  '--revision',
  '--model-revision',
  '--model_revision',
  '--tokenizer-revision',
]);

/**
 * What model a pod serves and how it changed. KServe: `storageUri`, model format name/version and
 * runtime of the predictor's `model:` (or framework) block. Any container: model-naming environment
 * variables and flags (`--model`, `vllm serve <model>`). With no `before`, the pod is new: its model
 * is stated once.
 */
export function diffModel(before: PodSpecView | undefined, after: PodSpecView | undefined): string[] {
  const a = before ? modelHints(before) : new Map<string, string>();
  const b = after ? modelHints(after) : new Map<string, string>();
  const facts: string[] = [];
  if (!before) {
    const main = [...b].find(([label]) => !label.startsWith('format') && !/version|revision/i.test(label));
    if (main) facts.push(`model ${main[1]}`);
    const format = b.get('format');
    if (format) facts.push(`format ${format}`);
    return facts;
  }
  if (!after) return facts;
  for (const label of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(label);
    const y = b.get(label);
    if (x === y) continue;
    facts.push(`${factName(label)} ${formatTransition(x, y)}`);
  }
  return facts;
}

/** `format`, `runtime`, `model version`, `model revision`; everything else that names the model reads as `model`. */
function factName(label: string): string {
  if (label === 'format' || label === 'runtime') return label;
  if (/revision/i.test(label)) return 'model revision';
  return /version/i.test(label) ? 'model version' : 'model';
}

/** Label → value, in a stable order: KServe fields first, then container env and flags. */
function modelHints(view: PodSpecView): Map<string, string> {
  const hints = new Map<string, string>();
  let framework: (typeof KSERVE_PREDICTOR_SPECS)[number] | undefined;
  for (const f of KSERVE_PREDICTOR_SPECS) {
    if (isObj(view.spec[f])) {
      framework = f;
      break;
    }
  }
  if (framework) {
    const model = readObj(view.spec, framework) ?? {};
    const uri = readText(model, 'storageUri') ?? readText(readList(model, 'storageUris')[0], 'uri');
    if (uri) hints.set('storageUri', uri);
    const formatName =
      readText(model, 'modelFormat', 'name') ?? (framework === 'model' ? undefined : framework);
    const formatVersion = readText(model, 'modelFormat', 'version');
    if (formatName) hints.set('format', formatVersion ? `${formatName} ${formatVersion}` : formatName);
    const runtime = readText(model, 'runtime');
    if (runtime) hints.set('runtime', runtime);
  }
  const several = view.containers.length > 1;
  for (const c of view.containers) {
    const suffix = several ? ` (${c.name})` : '';
    for (const env of readList(c.raw, 'env')) {
      const name = readText(env, 'name');
      const value = readText(env, 'value');
      if (name && value && (MODEL_ENV.test(name) || REVISION_ENV.test(name)))
        hints.set(`${name}${suffix}`, value);
    }
    const tokens = [...readList(c.raw, 'command'), ...readList(c.raw, 'args')].map(String);
    tokens.forEach((token, i) => {
      // Every model flag starts with `-`; else only `vllm serve` names a model.
      if (token[0] !== '-' && token !== 'serve') return;
      const eq = token.indexOf('=');
      const flag = eq > 0 ? token.slice(0, eq) : token;
      if (MODEL_FLAGS.has(flag)) {
        const value = eq > 0 ? token.slice(eq + 1) : tokens[i + 1];
        if (value !== undefined && !value.startsWith('-')) hints.set(`${flag}${suffix}`, value);
      } else if (token === 'serve' && /(?:^|\/)vllm$/.test(tokens[i - 1] ?? '')) {
        const value = tokens[i + 1];
        if (value !== undefined && !value.startsWith('-')) hints.set(`vllm serve${suffix}`, value);
      }
    });
  }
  return hints;
}
