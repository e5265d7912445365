/**
 * What the GitHub App needs from the rest of Ferry, injectable so tests and the bench can swap a
 * piece (a fake Signal, a fixed clock) while everything else stays real.
 */
import type { loadConfig } from '../config/load-config.ts';
import type { previewTargets } from '../engine/preview-targets.ts';
import { type CreateSignal, createSignalFor } from '../signal/create-signal-for.ts';
import type { Signal } from '../signal/signal.ts';
import type { extractTarball } from '../source/extract-tarball.ts';
import type { Target } from '../types.ts';

export interface FerryDeps {
  /** Renders, validates and diffs the targets a change affects. */
  preview: typeof previewTargets;
  /** Reads `.github/ferry.yml` from a source tree. */
  loadConfig: typeof loadConfig;
  /** Streams a tarball into a temp dir, safely (no links, nothing outside the root, size-capped). */
  extractTarball: typeof extractTarball;
  /** The Signal that reaches a target's cluster; undefined when none is available for it. */
  signalFor(target: Target): Signal | undefined;
  now(): Date;
  /** Name of the check run on pull requests. */
  checkName: string;
  /** Caps on one revision's uncompressed tarball; undefined keeps extractTarball's defaults. */
  sourceLimits: { maxBytes?: number; maxFiles?: number };
  /**
   * Other GitHub Apps whose `ferry/live:` check runs are trusted (the agents' Apps, FERRY_AGENT_APP_IDS),
   * besides this App itself.
   */
  agentAppIds: readonly number[];
}

/** Production wiring. Modules load on first use so a cold start pays only for what an event needs. */
export function defaultFerryDeps(): FerryDeps {
  return {
    // Base renders are kept between events (a temp folder in Lambda): the next push to a PR renders head only.
    preview: async (opts) => {
      const [{ previewTargets }, { openRenderCache }] = await Promise.all([
        import('../engine/preview-targets.ts'),
        import('../render/render-cache.ts'),
      ]);
      return previewTargets({ renderCache: openRenderCache(), ...opts });
    },
    loadConfig: async (root, opts) => (await import('../config/load-config.ts')).loadConfig(root, opts),
    extractTarball: async (opts) => (await import('../source/extract-tarball.ts')).extractTarball(opts),
    // A target with a `cluster:` gets the EKS or kubeconfig Signal; without one, merges create
    // Deployments that say the target is preview-only.
    signalFor: createLazySignalFor(),
    now: () => new Date(),
    checkName: 'Ferry',
    sourceLimits: {},
    agentAppIds: [],
  };
}

/**
 * The App's signals: one per cluster (EKS or kubeconfig), whose module (the AWS SDK and client-node)
 * loads only when a merge first needs it.
 */
export function createLazySignalFor(
  opts: { defaultRegion?: string } = { defaultRegion: process.env.AWS_REGION },
): (target: Target) => Signal | undefined {
  return createSignalFor({ createSignal: createLazySignal, ...opts });
}

/** A Signal that creates the real one on first send; a failed creation (e.g. no region) is retried next time. */
const createLazySignal: CreateSignal = (cluster, options) => {
  let created: Promise<Signal> | undefined;
  const signal = (): Promise<Signal> => {
    created ??= import('../signal/create-signal.ts')
      .then((m) => m.createSignal(cluster, options))
      .catch((err: unknown) => {
        created = undefined;
        throw err;
      });
    return created;
  };
  return {
    async sendSync(request) {
      return (await signal()).sendSync(request);
    },
    async requestPreview(request) {
      return (await signal()).requestPreview(request);
    },
  };
};
