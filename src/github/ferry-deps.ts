/**
 * What the GitHub App needs from the rest of Ferry, injectable so tests and the bench can swap a
 * piece (a fake Signal, a fixed clock) while everything else stays real.
 */
import type { loadConfig } from '../config/load-config.ts';
import type { previewTargets } from '../engine/preview-targets.ts';
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
}

/** Production wiring. Modules load on first use so a cold start pays only for what an event needs. */
export function defaultFerryDeps(): FerryDeps {
  return {
    preview: async (opts) => (await import('../engine/preview-targets.ts')).previewTargets(opts),
    loadConfig: async (root, opts) => (await import('../config/load-config.ts')).loadConfig(root, opts),
    extractTarball: async (opts) => (await import('../source/extract-tarball.ts')).extractTarball(opts),
    // A target with a `cluster:` gets the EKS or kubeconfig Signal; without one, merges create
    // Deployments that say the target is preview-only.
    signalFor: createLazySignalFor(),
    now: () => new Date(),
    checkName: 'Ferry',
    sourceLimits: {},
  };
}

/**
 * One Signal per cluster, created on first use (the AWS SDK and client-node load only when a merge
 * needs them) and kept, so the EKS endpoint and IAM token caches live across deliveries.
 */
export function createLazySignalFor(
  opts: { defaultRegion?: string } = { defaultRegion: process.env.AWS_REGION },
): (target: Target) => Signal | undefined {
  const signals = new Map<string, Promise<Signal>>();
  return (target) => {
    const cluster = target.cluster;
    if (!cluster) return undefined;
    const key = JSON.stringify(cluster);
    return {
      async sendSync(request) {
        let signal = signals.get(key);
        if (!signal) {
          signal = import('../signal/create-signal.ts').then((m) => m.createSignal(cluster, opts));
          signals.set(key, signal);
          // A failed creation (e.g. no region) must not be cached forever.
          signal.catch(() => signals.delete(key));
        }
        return (await signal).sendSync(request);
      },
    };
  };
}
