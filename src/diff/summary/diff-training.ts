import type { KubeObject } from '../../types.ts';
import { formatTransition } from './format-transition.ts';
import type { PodSpecView } from './pod-specs-of.ts';
import { isObj, isSameData, readList, readObj, readText } from './read-path.ts';

/** Kinds that run training to completion (keyed `group/Kind`): their args and env are hyperparameters. */
const TRAINING_KINDS = new Set([
  'batch/Job',
  'batch/CronJob',
  'kubeflow.org/PyTorchJob',
  'kubeflow.org/TFJob',
  'kubeflow.org/MPIJob',
  'kubeflow.org/XGBoostJob',
  'kubeflow.org/PaddleJob',
  'kubeflow.org/JAXJob',
  'trainer.kubeflow.org/TrainJob',
  'ray.io/RayJob',
  'batch.volcano.sh/Job',
]);

/** Env names that carry credentials or plumbing, never a hyperparameter (and never to be echoed). */
const NOT_A_HYPERPARAMETER =
  /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|CERT|^PATH$|^HOME$|PROXY|_URI$|_URL$|ENDPOINT|HOST|PORT|^NCCL_|^MASTER_|MODEL|REVISION/i;

export function isTraining(obj: KubeObject): boolean {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return TRAINING_KINDS.has(`${group}/${obj.kind}`);
}

/**
 * Training facts: hyperparameter changes (flags `--lr 3e-4`/`--lr=3e-4` and literal env values of the
 * trainer containers, RayJob's `entrypoint`) as `hyperparameters lr 1e-4 → 3e-4, epochs 3 → 5`; and
 * for a batch Job whose pod template changed, `Job will be re-created: training re-runs` (a Job's
 * template is immutable, so applying the change means deleting the Job and creating it again).
 */
export function diffTraining(before: KubeObject | undefined, after: KubeObject | undefined): string[] {
  if (!before || !after || !isTraining(after)) return [];
  const facts: string[] = [];
  const isBatchJob = after.kind === 'Job' && after.apiVersion.startsWith('batch/');
  if (
    isBatchJob &&
    !isHook(after) &&
    !isSameData(readObj(before, 'spec', 'template'), readObj(after, 'spec', 'template'))
  ) {
    facts.push('Job will be re-created: training re-runs');
  }
  return facts;
}

/**
 * A Helm or Argo CD hook: its event (install, upgrade, delete, PreSync…) runs it, each time anew under its
 * delete policy, so a changed template is not a Job re-created by this deploy (KAI-Scheduler's
 * post-delete cleanup Job was said to re-run training).
 */
function isHook(obj: KubeObject): boolean {
  const annotations = readObj(obj, 'metadata', 'annotations');
  return (
    readText(annotations, 'helm.sh/hook') !== undefined ||
    readText(annotations, 'argocd.argoproj.io/hook') !== undefined
  );
}

/** `hyperparameters lr 1e-4 → 3e-4, epochs 3 → 5` for one pod spec, or nothing. */
export function diffHyperparameters(
  before: PodSpecView | undefined,
  after: PodSpecView | undefined,
  extra: { before?: string; after?: string } = {},
): string[] {
  if (!before || !after) return [];
  const a = hyperparameters(before, extra.before);
  const b = hyperparameters(after, extra.after);
  const changes: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name);
    const y = b.get(name);
    if (x === y) continue;
    changes.push(`${name} ${formatTransition(x ?? 'unset', y ?? 'unset', 'unset')}`);
  }
  return changes.length > 0 ? [`hyperparameters ${changes.join(', ')}`] : [];
}

function hyperparameters(view: PodSpecView, entrypoint: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const c of view.containers) {
    if (c.init) continue;
    for (const env of readList(c.raw, 'env')) {
      const name = readText(env, 'name');
      const value = readText(env, 'value');
      if (!name || value === undefined || !isObj(env) || NOT_A_HYPERPARAMETER.test(name)) continue;
      params.set(name, value);
    }
    readFlags(commandTokens([...readList(c.raw, 'command'), ...readList(c.raw, 'args')].map(String)), params);
  }
  if (entrypoint) readFlags(entrypoint.split(/\s+/), params);
  return params;
}

/** A shell that runs the script after its `-c` (`/bin/sh -c`, `bash -lc`). */
const SHELL = /(?:^|\/)(?:sh|bash|zsh|dash|ash|ksh)$/;

/**
 * A container's command line as words: the script a shell runs with `-c` is split into its words, whose
 * flags are the program's (`bash -c "python train.py --lr 3e-4"`); the script is no flag's value.
 */
function commandTokens(tokens: string[]): string[] {
  const shell = tokens.findIndex((t) => SHELL.test(t));
  if (shell < 0) return tokens;
  const dashC = tokens.findIndex((t, i) => i > shell && /^-[a-z]*c[a-z]*$/.test(t));
  if (dashC < 0) return tokens;
  const script = tokens[dashC + 1] ?? '';
  // A line break or `;`, `&&`, `|` ends a command: the word after it is no flag's value.
  const words = script.replace(/\n|;|&&|\|\|?/g, ` ${END} `).split(/\s+/);
  return [...tokens.slice(0, shell), ...words.filter(Boolean)];
}

/** Where a command of a script ends. */
const END = ';';

/** `--lr 3e-4`, `--lr=3e-4`, `--fp16` (true): flags named like credentials are skipped. */
function readFlags(tokens: string[], params: Map<string, string>): void {
  tokens.forEach((token, i) => {
    if (!/^--?[A-Za-z][\w.-]*/.test(token)) return;
    const eq = token.indexOf('=');
    const name = (eq > 0 ? token.slice(0, eq) : token).replace(/^--?/, '');
    if (NOT_A_HYPERPARAMETER.test(name.replaceAll('-', '_'))) return;
    const next = tokens[i + 1];
    const value =
      eq > 0
        ? token.slice(eq + 1)
        : next !== undefined && next !== END && !/^--?[A-Za-z]/.test(next)
          ? next
          : 'true';
    params.set(name, value);
  });
}
