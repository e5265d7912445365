import type { Finding } from '../types.ts';
import type { CheckPathsOptions } from './check-paths.ts';
import type { CheckTargetOptions } from './check-target.ts';

/** What a check worker is asked: one target (`checkTargetFindings`), or the paths of `ferry validate PATH…` (`checkPaths`). */
export type CheckRequest = { target: CheckTargetOptions } | { paths: CheckPathsOptions };

/** What a check worker answers for one request: its findings (resources stay in the worker), or what it threw. */
export type CheckWorkerReply =
  | { id: number; findings: Finding[]; checked: number; failed: boolean; error?: undefined }
  | { id: number; error: { name: string; message: string; stack?: string } };
