import * as z from 'zod';
import type { Summary } from '../types.ts';

/** What Ferry stores in a GitHub Deployment's `payload.ferry`: enough to act on its statuses later. */
export interface FerryDeploymentPayload {
  target: string;
  /** The AI-aware summary of what this deployment changes. */
  summary: Summary[];
  /** The tracked branch the merge landed on. */
  branch: string;
  /** The merge commit this deployment belongs to (for a rollback: the one rolled back). */
  merge: string;
  /** The branch tip before the merge: what the merge's preview is diffed against. */
  base?: string;
  /** The merged pull request, when the push came from one. */
  pull?: number;
  rollback?: { requestedBy: string; comment: number };
}

const Sha = z.string().regex(/^[0-9a-f]{40}$/);

const PayloadSchema = z.object({
  target: z.string().min(1),
  summary: z.array(z.object({ resource: z.string(), facts: z.array(z.string()) })).default([]),
  branch: z.string().min(1),
  merge: Sha,
  base: Sha.optional(),
  pull: z.number().int().positive().optional(),
  rollback: z.object({ requestedBy: z.string(), comment: z.number().int() }).optional(),
});

/** Reads `payload.ferry` from a Deployment; undefined for deployments Ferry did not create. */
export function parseDeploymentPayload(payload: unknown): FerryDeploymentPayload | undefined {
  let value = payload;
  // GitHub hands back a payload given as a JSON string as that string.
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      void err; // not JSON, so not ours
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const parsed = PayloadSchema.safeParse((value as { ferry?: unknown }).ferry);
  return parsed.success ? (parsed.data as FerryDeploymentPayload) : undefined;
}
