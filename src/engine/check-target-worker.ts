/**
 * The worker side of `checkTargets`: a worker thread that checks one target per message with the same
 * `checkTargetFindings` the main thread runs, and answers with its findings (plain data) or the error it threw.
 * Started by `startCheckWorker`; never imported by the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { CheckTargetOptions } from './check-target.ts';
import { checkTargetFindings } from './check-target-findings.ts';
import type { CheckWorkerReply } from './check-worker-reply.ts';

const port = parentPort;
if (!port) throw new Error('check-target-worker runs only as a worker thread');

port.on('message', (request: { id: number; opts: CheckTargetOptions }) => {
  checkTargetFindings(request.opts).then(
    (checked): void => {
      const reply: CheckWorkerReply = {
        id: request.id,
        findings: checked.findings,
        checked: checked.checked,
        failed: checked.failed,
      };
      port.postMessage(reply);
    },
    (err: unknown): void => {
      const error =
        err instanceof Error
          ? { name: err.name, message: err.message, stack: err.stack }
          : { name: 'Error', message: String(err) };
      port.postMessage({ id: request.id, error } satisfies CheckWorkerReply);
    },
  );
});
