import type { Controller } from './kube-apiserver.ts';

type Obj = Record<string, unknown>;

function spec(o: Obj): Obj {
  return (o.spec ?? {}) as Obj;
}

function generation(o: Obj): number {
  return Number(((o.metadata ?? {}) as Obj).generation ?? 1);
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What the real controllers report once a workload is fully rolled out, completed or ready. */
export const readyControllers: Record<string, Controller> = {
  Deployment: (o) => {
    const replicas = Number(spec(o).replicas ?? 1);
    return {
      observedGeneration: generation(o),
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastTransitionTime: now() },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastTransitionTime: now() },
      ],
    };
  },
  StatefulSet: (o) => {
    const replicas = Number(spec(o).replicas ?? 1);
    return {
      observedGeneration: generation(o),
      replicas,
      readyReplicas: replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
      currentRevision: `${String((o.metadata as Obj).name)}-${generation(o)}`,
      updateRevision: `${String((o.metadata as Obj).name)}-${generation(o)}`,
    };
  },
  Job: () => ({
    succeeded: 1,
    conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: now() }],
  }),
  DaemonSet: (o) => ({
    observedGeneration: generation(o),
    desiredNumberScheduled: 2,
    currentNumberScheduled: 2,
    updatedNumberScheduled: 2,
    numberReady: 2,
    numberAvailable: 2,
  }),
  PersistentVolumeClaim: (o) => {
    const storage = ((spec(o).resources ?? {}) as { requests?: { storage?: string } }).requests?.storage;
    return { phase: 'Bound', ...(storage ? { capacity: { storage } } : {}) };
  },
  // KServe in serverless mode: a Knative revision per generation, Ready once it serves.
  InferenceService: (o) => {
    const revision = `${String((o.metadata as Obj).name)}-predictor-${String(generation(o)).padStart(5, '0')}`;
    return {
      observedGeneration: generation(o),
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }],
      components: {
        predictor: {
          latestCreatedRevision: revision,
          latestReadyRevision: revision,
          latestRolledoutRevision: revision,
          traffic: [{ revisionName: revision, percent: 100, latestRevision: true }],
        },
      },
      modelStatus: { states: { activeModelState: 'Loaded', targetModelState: 'Loaded' } },
    };
  },
  Rollout: (o) => ({ observedGeneration: String(generation(o)), phase: 'Healthy' }),
};

/** `readyControllers`, except objects matching `failing` get the status `failed` returns. */
export function controllersWithFailures(
  failing: (object: Obj) => boolean,
  failed: (object: Obj) => Obj = failedStatus,
): Record<string, Controller> {
  return Object.fromEntries(
    Object.entries(readyControllers).map(([kind, ready]) => [
      kind,
      (o: Obj) => (failing(o) ? failed(o) : ready(o)),
    ]),
  );
}

/** A Deployment whose new pods never become available (e.g. CrashLoopBackOff, ProgressDeadlineExceeded). */
export function failedStatus(o: Obj): Obj {
  const replicas = Number(spec(o).replicas ?? 1);
  if (o.kind === 'InferenceService') return failedRevisionStatus(o);
  if (o.kind === 'Job')
    return {
      failed: 1,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    };
  return {
    observedGeneration: generation(o),
    replicas,
    updatedReplicas: replicas,
    readyReplicas: 0,
    availableReplicas: 0,
    unavailableReplicas: replicas,
    conditions: [
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${String((o.metadata as Obj).name)}" has timed out progressing.`,
      },
    ],
  };
}

/**
 * KServe (serverless) after a spec change whose new revision never comes up: the controller has seen the
 * generation and created the revision, the previous revision still serves, so `Ready` stays True while
 * the predictor's latest created revision is not its latest ready one.
 */
export function failedRevisionStatus(o: Obj): Obj {
  const name = String((o.metadata as Obj).name);
  const revision = (g: number) => `${name}-predictor-${String(g).padStart(5, '0')}`;
  const g = generation(o);
  return {
    observedGeneration: g,
    conditions: [
      { type: 'PredictorReady', status: 'True', lastTransitionTime: now() },
      { type: 'Ready', status: 'True', lastTransitionTime: now() },
    ],
    components: {
      predictor: {
        latestCreatedRevision: revision(g),
        latestReadyRevision: revision(g - 1),
        latestRolledoutRevision: revision(g - 1),
        traffic: [{ revisionName: revision(g - 1), percent: 100, latestRevision: false }],
      },
    },
    modelStatus: { states: { activeModelState: 'Loaded', targetModelState: 'Loaded' } },
  };
}
