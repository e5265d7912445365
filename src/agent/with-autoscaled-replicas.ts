import { groupOf } from '../manifest/resource-id.ts';
import type { KubeObject } from '../types.ts';
import { type DesiredObject, objectKey } from './prepare-objects.ts';

type Obj = Record<string, unknown>;

/** An autoscaler's target: HPA `scaleTargetRef` (autoscaling), KEDA ScaledObject (keda.sh, Deployment by default). */
function scaleTargetOf(o: DesiredObject): { kind: string; name: string } | undefined {
  const group = groupOf(o.apiVersion);
  const isHpa = o.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling';
  const isKeda = o.kind === 'ScaledObject' && group === 'keda.sh';
  if (!isHpa && !isKeda) return undefined;
  const ref = ((o.object.spec ?? {}) as { scaleTargetRef?: { kind?: string; name?: string } }).scaleTargetRef;
  if (!ref?.name) return undefined;
  return { kind: ref.kind ?? 'Deployment', name: ref.name };
}

/** `Kind|namespace|name` of each object an autoscaler of the set scales → that autoscaler. */
function scaledByOf(objects: readonly DesiredObject[]): Map<string, string> {
  const scaledBy = new Map<string, string>();
  for (const o of objects) {
    const target = scaleTargetOf(o);
    if (target) scaledBy.set(`${target.kind}|${o.namespace}|${target.name}`, describe(o));
  }
  return scaledBy;
}

/** The objects of the set an autoscaler of the set scales (whose live replicas an apply keeps). Pure. */
export function findAutoscaled(objects: readonly DesiredObject[]): DesiredObject[] {
  const scaledBy = scaledByOf(objects);
  return objects.filter((o) => scaledBy.has(`${o.kind}|${o.namespace}|${o.name}`));
}

const describe = (o: { kind: string; namespace: string; name: string }) =>
  o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;

/**
 * Objects whose replica count an autoscaler in the same render owns (an HPA or KEDA ScaledObject whose
 * `scaleTargetRef` names them) are sent with the live `spec.replicas`, not Git's: Git's number is the
 * size to create them at, after which the autoscaler decides. Without this every apply and resync
 * would force the count back to Git's and fight the autoscaler (a model server scaled up under load
 * scaled down by a self-heal). Argo CD needs `ignoreDifferences` + `RespectIgnoreDifferences=true` for
 * the same, which it implements the same way (the live value in the applied manifest). Pure.
 */
export function withAutoscaledReplicas(
  objects: readonly DesiredObject[],
  live: ReadonlyMap<string, KubeObject>,
): { objects: DesiredObject[]; notes: string[] } {
  const scaledBy = scaledByOf(objects);
  if (scaledBy.size === 0) return { objects: [...objects], notes: [] };
  const notes: string[] = [];
  const out = objects.map((o) => {
    const autoscaler = scaledBy.get(`${o.kind}|${o.namespace}|${o.name}`);
    const spec = o.object.spec as Obj | undefined;
    if (!autoscaler || spec?.replicas === undefined) return o;
    const liveReplicas = ((live.get(objectKey(o))?.spec ?? {}) as Obj).replicas;
    if (typeof liveReplicas !== 'number' || liveReplicas === spec.replicas) return o;
    notes.push(
      `kept ${describe(o)} at ${liveReplicas} replicas (Git says ${String(spec.replicas)}; ${autoscaler} scales it)`,
    );
    return { ...o, object: { ...o.object, spec: { ...spec, replicas: liveReplicas } } };
  });
  return { objects: out, notes };
}
