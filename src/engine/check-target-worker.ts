/**
 * The worker side of `checkTargets` and `checkPathsIn`: a worker thread that checks one target (or the
 * paths of `ferry validate PATH…`) per message with the same `checkTargetFindings` (`checkPaths`) the main
 * thread runs, and answers with its findings (serialised, see CheckWorkerReply) or the error it threw.
 * Started by `startCheckWorker`; never imported by the main thread.
 */
import { serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { checkPaths } from './check-paths.ts';
import { checkTargetFindings } from './check-target-findings.ts';
import type { CheckRequest, CheckWorkerReply } from './check-worker-reply.ts';

const port = parentPort;
if (!port) throw new Error('check-target-worker runs only as a worker thread');

port.on('message', ({ id, request }: { id: number; request: CheckRequest }) => {
  const checking = 'paths' in request ? checkPaths(request.paths) : checkTargetFindings(request.target);
  checking.then(
    (checked): void => {
      const findings = serialize(checked.findings);
      const reply: CheckWorkerReply = { id, findings, checked: checked.checked, failed: checked.failed };
      // Moved, not copied, when the buffer is its own (v8.serialize's is; a pooled one is copied).
      const own = findings.byteOffset === 0 && findings.buffer.byteLength === findings.byteLength;
      port.postMessage(reply, own ? [findings.buffer] : []);
    },
    (err: unknown): void => {
      const error =
        err instanceof Error
          ? { name: err.name, message: err.message, stack: err.stack }
          : { name: 'Error', message: String(err) };
      port.postMessage({ id, error } satisfies CheckWorkerReply);
    },
  );
});
