import type { Target } from '../../../src/types.ts';

/** A target with the defaults `.github/ferry.yml` would give it. */
export function makeTarget(overrides: Partial<Target> = {}): Target {
  return {
    name: 'prod',
    path: 'deploy',
    branch: 'main',
    namespace: 'ml',
    schemas: [],
    prune: true,
    maxPruneShare: 0.5,
    autoRollback: false,
    selfHeal: true,
    healthTimeoutSeconds: 30,
    ...overrides,
  };
}

export const SHA_A = 'a'.repeat(40);
export const SHA_B = 'b'.repeat(40);
export const SHA_C = 'c'.repeat(40);
export const SHA_D = 'd'.repeat(40);
