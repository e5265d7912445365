import type { Finding } from '../types.ts';

/** What a check worker answers for one target: its findings (resources stay in the worker), or what it threw. */
export type CheckWorkerReply =
  | { id: number; findings: Finding[]; checked: number; failed: boolean; error?: undefined }
  | { id: number; error: { name: string; message: string; stack?: string } };
