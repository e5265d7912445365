import type { KubeObject } from '../types.ts';
import type { Health } from './health-of.ts';
import { type Condition, conditionsIn, type Obj } from './status-conditions.ts';

interface RouteParent {
  parentRef?: { name?: string; kind?: string };
  ancestorRef?: { name?: string; kind?: string };
  conditions?: Condition[];
}

const refused = (conditions: Condition[]) =>
  conditions.find(
    (c) =>
      (c.type === 'ResolvedRefs' || c.type === 'Accepted') && c.status === 'False' && c.reason !== 'Pending',
  );
/** `Programmed`, or `Accepted` (`Pending`, Unknown), present and not True yet. */
const notProgrammed = (conditions: Condition[]) =>
  conditions.find((c) => (c.type === 'Programmed' || c.type === 'Accepted') && c.status !== 'True');
const say = (c: Condition) => c.message || `${c.type} False${c.reason ? ` (${c.reason})` : ''}`;
const generationOf = (o: KubeObject): number =>
  Number((o.metadata as Obj | undefined)?.generation ?? Number.NaN);
/** Whether each condition that names its generation names `generation` or a later one. */
const describesGeneration = (conditions: Condition[], generation: number) =>
  !Number.isFinite(generation) ||
  conditions.every((c) => c.observedGeneration === undefined || Number(c.observedGeneration) >= generation);

/**
 * Gateway API health as Argo CD reads it (resource_customizations/gateway.networking.k8s.io/{HTTPRoute,
 * Gateway}/health.lua), for the objects that carry the AI traffic. A route (HTTPRoute, GRPCRoute, …) or
 * a Gateway API Inference Extension InferencePool reports per parent Gateway (`status.parents`,
 * `parent` before GIE v1), a policy (Envoy Gateway's traffic and security policies, BackendTLSPolicy)
 * per ancestor it attaches to (`status.ancestors`): `ResolvedRefs` False (a backend that does not exist:
 * the canary's InferencePool, a Service) or `Accepted` False fails; `Programmed` (or `Accepted`) not True
 * is waited for; a parent's conditions about an older generation are not read. A Gateway reports the
 * same on itself and its listeners; an Envoy AI Gateway kind says `NotAccepted`. Without such a status
 * (no controller writes it) this says nothing (undefined), and kstatus decides.
 */
export function gatewayApiHealth(o: KubeObject, status: Obj): Health | undefined {
  const parents = [status.parents, status.parent, status.ancestors].find(
    (v) => Array.isArray(v) && v.length > 0,
  ) as RouteParent[] | undefined;
  if (parents) return routeHealth(o, parents);
  // Envoy AI Gateway's kinds report one condition, Accepted or NotAccepted (api/v1beta1/status.go).
  const notAccepted = conditionsIn(status.conditions).find(
    (c) => c.type === 'NotAccepted' && c.status === 'True',
  );
  if (notAccepted)
    return {
      state: 'unhealthy',
      message: `${o.kind} not accepted: ${notAccepted.message || notAccepted.reason || 'refused'}`,
    };
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
  if (group === 'gateway.networking.k8s.io' && (o.kind === 'Gateway' || o.kind === 'ListenerSet'))
    return gatewayHealth(status, generationOf(o));
  return undefined;
}

function routeHealth(o: KubeObject, parents: RouteParent[]): Health {
  const generation = generationOf(o);
  const current = (p: RouteParent) => {
    const conditions = conditionsIn(p.conditions);
    return conditions.length > 0 && describesGeneration(conditions, generation);
  };
  const seen = parents.filter(current);
  for (const parent of seen) {
    const conditions = conditionsIn(parent.conditions);
    const ref = parent.parentRef ?? parent.ancestorRef;
    const name = ref?.name ? `${parent.ancestorRef ? 'ancestor' : 'parent'} ${ref.name}` : 'a parent';
    const bad = refused(conditions);
    if (bad) return { state: 'unhealthy', message: `${o.kind} ${name}: ${say(bad)}` };
    const waiting = notProgrammed(conditions);
    if (waiting)
      return {
        state: 'progressing',
        message: `${o.kind} ${name}: ${waiting.message || 'not programmed yet'}`,
      };
  }
  if (seen.length > 0) return { state: 'healthy', message: `${o.kind} accepted` };
  return {
    state: 'unknown',
    message: `waiting for the gateway to report on generation ${Number.isFinite(generation) ? generation : '?'}`,
  };
}

function gatewayHealth(status: Obj, generation: number): Health | undefined {
  const own = conditionsIn(status.conditions);
  const listeners = Array.isArray(status.listeners)
    ? (status.listeners as { name?: string; conditions?: unknown }[])
    : [];
  if (own.length === 0 && listeners.length === 0) return undefined;
  if (!describesGeneration(own, generation))
    return {
      state: 'unknown',
      message: `waiting for the gateway controller to report on generation ${generation}`,
    };
  const bad = refused(own);
  if (bad) return { state: 'unhealthy', message: `Gateway: ${say(bad)}` };
  for (const l of listeners) {
    const badListener = refused(conditionsIn(l.conditions));
    if (badListener)
      return { state: 'unhealthy', message: `Gateway listener ${l.name ?? ''}: ${say(badListener)}` };
  }
  const waiting = notProgrammed(own);
  if (waiting)
    return { state: 'progressing', message: `Gateway: ${waiting.message || 'not programmed yet'}` };
  return { state: 'healthy', message: 'Gateway programmed' };
}
