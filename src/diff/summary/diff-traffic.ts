import type { KubeObject } from '../../types.ts';
import { isInferenceService } from './pod-specs-of.ts';
import { isObj, isSameData, readList, readObj, readText } from './read-path.ts';

/**
 * Traffic facts: KServe `canaryTrafficPercent`, Argo Rollouts canary steps, and route weights of
 * Istio VirtualServices, Gateway API HTTPRoutes and Knative Services. With no `before`, describes
 * `after`.
 */
export function diffTraffic(before: KubeObject | undefined, after: KubeObject | undefined): string[] {
  const obj = after ?? before;
  if (!obj) return [];
  if (isInferenceService(obj)) return diffCanary(before, after);
  if (obj.kind === 'Rollout' && obj.apiVersion.startsWith('argoproj.io/'))
    return diffRolloutSteps(before, after);
  return diffRoutes(before, after);
}

/**
 * KServe sends `canaryTrafficPercent` of traffic to the new revision whenever the predictor changes,
 * so a present percent is news even when the number itself did not move.
 */
function diffCanary(before: KubeObject | undefined, after: KubeObject | undefined): string[] {
  const x = readText(before, 'spec', 'predictor', 'canaryTrafficPercent');
  const y = readText(after, 'spec', 'predictor', 'canaryTrafficPercent');
  if (!after) return [];
  if (y === undefined) return x === undefined ? [] : ['canary off (100% to latest)'];
  if (x !== undefined && x !== y) return [explainCanary(`canary ${x}% → ${y}%`, y)];
  const withoutCanary = (o: KubeObject | undefined): unknown => {
    const predictor = readObj(o, 'spec', 'predictor');
    if (!predictor) return undefined;
    const { canaryTrafficPercent: _ignored, ...rest } = predictor;
    return rest;
  };
  if (!before || x === undefined || !isSameData(withoutCanary(before), withoutCanary(after))) {
    return [explainCanary(`canary ${y}%`, y)];
  }
  return [];
}

/**
 * A canary fact with what it means where that is not obvious: ❌ for a percent KServe refuses (not a
 * whole number in 0–100), and who gets the traffic at 0% (the new model none) and 100% (all of it).
 */
function explainCanary(text: string, percent: string): string {
  const n = Number(percent);
  if (!Number.isInteger(n) || n < 0 || n > 100) return `❌ ${text} (must be a whole percent, 0–100)`;
  if (n === 0) return `${text} (the new model gets no traffic yet; 100% stays on the previous one)`;
  if (n === 100) return `${text} (the new model gets all traffic)`;
  return `${text} (new model ${n}%, previous ${100 - n}%)`;
}

/** `rollout steps 10%→50%→100%`: the weights a canary walks through (it ends at 100%). */
function diffRolloutSteps(before: KubeObject | undefined, after: KubeObject | undefined): string[] {
  if (!after) return [];
  const y = rolloutStrategy(after);
  if (!before) return y ? [`rollout ${y}`] : [];
  const x = rolloutStrategy(before);
  if (x !== y) {
    const isSteps = (t: string | undefined): boolean => /^(?:❌ )?steps /.test(t ?? '');
    const was = x && isSteps(x) && isSteps(y) ? x.replace(/^steps /, '') : x;
    return [`rollout ${y ?? 'rolling update'}${was ? ` (was ${was})` : ''}`];
  }
  const templateChanged = !isSameData(
    readObj(before, 'spec', 'template'),
    readObj(after, 'spec', 'template'),
  );
  return templateChanged && y ? [`rollout ${y}`] : [];
}

function rolloutStrategy(obj: KubeObject): string | undefined {
  const canary = readObj(obj, 'spec', 'strategy', 'canary');
  if (canary) return canarySteps(readList(canary, 'steps'));
  const blueGreen = readObj(obj, 'spec', 'strategy', 'blueGreen');
  if (blueGreen)
    return readText(blueGreen, 'autoPromotionEnabled') === 'false'
      ? 'blue-green, manual promotion'
      : 'blue-green';
  return undefined;
}

/** Named weighted routes of an object: `route label` → `v1 90% / v2 10%`. */
function routesOf(obj: KubeObject | undefined): Map<string, string> {
  const routes = new Map<string, string>();
  if (!obj) return routes;
  const group = obj.apiVersion.split('/')[0] ?? '';
  if (obj.kind === 'VirtualService' && group.endsWith('istio.io')) {
    readList(obj, 'spec', 'http').forEach((http, i) => {
      const backends = readList(http, 'route').map((r) => ({
        name: readText(r, 'destination', 'subset') ?? readText(r, 'destination', 'host') ?? '?',
        // Istio: weights are percentages; a lone destination without one gets 100.
        weight: Number(readText(r, 'weight') ?? (readList(http, 'route').length === 1 ? 100 : 0)),
      }));
      routes.set(readText(http, 'name') ?? `http[${i}]`, formatWeights(backends, false));
    });
  } else if (
    (obj.kind === 'HTTPRoute' || obj.kind === 'GRPCRoute') &&
    group === 'gateway.networking.k8s.io'
  ) {
    readList(obj, 'spec', 'rules').forEach((rule, i) => {
      const backends = readList(rule, 'backendRefs').map((r) => ({
        name: readText(r, 'name') ?? '?',
        // Gateway API: weights are relative, default 1.
        weight: Number(readText(r, 'weight') ?? 1),
      }));
      routes.set(readText(rule, 'name') ?? `rule[${i}]`, formatWeights(backends, true));
    });
  } else if (obj.kind === 'Service' && group === 'serving.knative.dev') {
    const backends = readList(obj, 'spec', 'traffic')
      .filter(isObj)
      .map((t) => ({
        name:
          readText(t, 'tag') ??
          readText(t, 'revisionName') ??
          (readText(t, 'latestRevision') === 'true' ? 'latest' : '?'),
        weight: Number(readText(t, 'percent') ?? 0),
      }));
    if (backends.length > 0) routes.set('traffic', formatWeights(backends, false));
  }
  return routes;
}

function diffRoutes(before: KubeObject | undefined, after: KubeObject | undefined): string[] {
  if (!after) return [];
  const a = routesOf(before);
  const b = routesOf(after);
  const several = b.size > 1;
  const facts: string[] = [];
  for (const [label, weights] of b) {
    const old = a.get(label);
    const named = several ? ` (${label})` : '';
    // A single backend is not a split: only worth saying when it replaced one.
    if (!before && weights.includes(' / ')) facts.push(`traffic ${weights}${named}`);
    else if (before && old !== undefined && old !== weights)
      facts.push(`traffic ${old} → ${weights}${named}`);
    else if (before && old === undefined && weights.includes(' / ')) facts.push(`traffic ${weights}${named}`);
  }
  return facts;
}

function formatWeights(backends: { name: string; weight: number }[], relative: boolean): string {
  const total = relative
    ? backends.reduce((sum, b) => sum + (Number.isFinite(b.weight) ? b.weight : 0), 0)
    : 100;
  return backends
    .map((b) => {
      const share = total > 0 && Number.isFinite(b.weight) ? Math.round((b.weight / total) * 1000) / 10 : 0;
      return `${b.name} ${share}%`;
    })
    .join(' / ');
}

/**
 * Weights, pauses and analysis gates in order (`10%→pause 1h→analysis success-rate→50%→pause→100%`):
 * a pause without a duration waits for a manual promotion, an analysis step gates the next weight on
 * its metrics. Argo Rollouts refuses a weight outside 0–100: marked ❌.
 */
function canarySteps(list: readonly unknown[]): string {
  const steps: string[] = [];
  let last: string | undefined;
  let invalid = false;
  for (const step of list) {
    const weight = readText(step, 'setWeight');
    if (weight !== undefined) {
      const n = Number(weight);
      if (!Number.isFinite(n) || n < 0 || n > 100) invalid = true;
      steps.push(`${weight}%`);
      last = weight;
    } else if (isObj(step) && 'pause' in step) {
      const duration = readText(step, 'pause', 'duration');
      steps.push(duration ? `pause ${duration}` : 'pause');
    } else if (isObj(step) && 'analysis' in step) {
      const names = readList(step, 'analysis', 'templates')
        .map((t) => readText(t, 'templateName'))
        .filter((n): n is string => n !== undefined);
      steps.push(names.length > 0 ? `analysis ${names.join('+')}` : 'analysis');
    }
  }
  if (last !== '100') steps.push('100%');
  return `${invalid ? '❌ ' : ''}steps ${steps.join('→')}`;
}
