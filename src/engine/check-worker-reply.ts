import { deserialize } from 'node:v8';
import type { Finding } from '../types.ts';
import type { CheckPathsOptions } from './check-paths.ts';
import type { CheckTargetOptions } from './check-target.ts';

/** What a check worker is asked: one target (`checkTargetFindings`), or the paths of `ferry validate PATH…` (`checkPaths`). */
export type CheckRequest = { target: CheckTargetOptions } | { paths: CheckPathsOptions };

/**
 * What a check worker answers for one request: its findings (resources stay in the worker), or what it
 * threw. The findings come serialised (v8.serialize, the structured clone a message would make) in a
 * buffer moved to the main thread, not copied, and read there once the workers have stopped: 33,000
 * findings are tens of MiB as objects, which then never sit beside a worker's heap (`ferry validate
 * DIR`'s peak came at that moment, by up to 20 MiB as the worker's last collection fell).
 */
export type CheckWorkerReply =
  | { id: number; findings: Uint8Array; checked: number; failed: boolean; error?: undefined }
  | { id: number; error: { name: string; message: string; stack?: string } };

/** A worker's answer before its findings are read (deserialize them with readFindings). */
export interface SerializedFindings {
  serialized: Uint8Array;
  checked: number;
  failed: boolean;
}

/** The findings of a worker's answer, as the worker had them. */
export function readFindings(answer: SerializedFindings): Finding[] {
  return deserialize(answer.serialized) as Finding[];
}
