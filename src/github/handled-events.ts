import { targetOfLiveCheckRun } from '../live/target-of-live-check-run.ts';

/**
 * The webhook events Ferry's App acts on, as `event.action` (or a bare event for all its actions).
 * createFerryApp registers exactly these, and the Lambda webhook function queues only these: GitHub
 * delivers every action of a subscribed event (a Check suite subscription brings `requested` and
 * `completed` for every push, besides the `rerequested` Ferry reads), and each queued delivery waits
 * its turn in the repository's FIFO group ahead of the merges and previews behind it.
 */
export const PREVIEW_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
  'pull_request.edited',
] as const;

export const COMMAND_EVENTS = ['issue_comment.created', 'issue_comment.edited'] as const;

export const HANDLED_EVENTS: readonly string[] = [
  ...PREVIEW_EVENTS,
  'check_run.rerequested',
  'check_suite.rerequested',
  'check_run.completed',
  ...COMMAND_EVENTS,
  'push',
  'deployment_status.created',
];

/**
 * Whether the App acts on a delivery of event `name` whose payload says `action` (if any). Of the
 * `check_run.completed` deliveries (every check run of the repository, CI's included, on every push)
 * only live preview runs (`ferry/live: <target>`) are read.
 */
export function isHandledEvent(name: string, payload: unknown): boolean {
  if (HANDLED_EVENTS.includes(name)) return true;
  const { action, check_run: run } = (payload ?? {}) as { action?: unknown; check_run?: { name?: unknown } };
  if (typeof action !== 'string' || !HANDLED_EVENTS.includes(`${name}.${action}`)) return false;
  if (name === 'check_run' && action === 'completed') {
    return typeof run?.name === 'string' && targetOfLiveCheckRun(run.name) !== undefined;
  }
  return true;
}
