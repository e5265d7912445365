import { findMarkedComment } from './find-marked-comment.ts';
import type { FlowContext } from './flow-context.ts';
import { getPermission, isWriter } from './get-permission.ts';
import { getPull } from './get-pull.ts';
import { type Command, parseCommand } from './parse-command.ts';
import { replyMarker } from './reply-marker.ts';
import { runExclusive } from './run-exclusive.ts';
import { type PreviewOutcome, runPreview } from './run-preview.ts';
import { type RollbackOutcome, runRollback } from './run-rollback.ts';
import { upsertMarkedComment } from './upsert-marked-comment.ts';

export interface CommentEvent {
  action: string;
  commentId: number;
  body: string | null;
  sender: { login: string; type: string };
  issueNumber: number;
  /** The comment is on a pull request (not a plain issue). */
  onPull: boolean;
  defaultBranch: string;
}

export type CommandOutcome = 'ignored' | 'refused' | PreviewOutcome | RollbackOutcome;

/**
 * `/preview` and `/rollback [target]` in PR comments. Only new comments act (an edit could turn an
 * old comment into a command nobody saw being given), only people (not bots), and only people with
 * write access (admin, maintain or write). Everyone else gets one polite reply saying why.
 */
export async function runCommentCommand(flow: FlowContext, event: CommentEvent): Promise<CommandOutcome> {
  const command = parseCommand(event.body);
  if (!command || !event.onPull || (event.action !== 'created' && event.action !== 'edited'))
    return 'ignored';
  // One pull request's commands are handled one at a time in this process: a second delivery of a
  // comment waits, then finds the first one's reply (the record) and does nothing; a second
  // `/rollback` by someone else finds the first one's rollback Deployment.
  return runExclusive(`${flow.repository}#${event.issueNumber}`, () => handleCommand(flow, event, command));
}

async function handleCommand(
  flow: FlowContext,
  event: CommentEvent,
  command: Command,
): Promise<CommandOutcome> {
  const marker = replyMarker(event.commentId);
  const refuse = async (text: string): Promise<'refused'> => {
    await upsertMarkedComment(flow, {
      issueNumber: event.issueNumber,
      marker,
      body: `${marker}\n${text}`,
      create: true,
    });
    flow.log.info({ command: command.name, sender: event.sender.login, reason: text }, 'command refused');
    return 'refused';
  };
  const mention = `@${event.sender.login}`;
  const slash = `\`/${command.name === 'malformed' ? command.command : command.name}\``;

  if (event.action === 'edited') {
    // Already answered (acted on, or refused) when it was created: an edit changes nothing.
    if (await findMarkedComment(flow, event.issueNumber, marker)) return 'ignored';
    return refuse(
      `${mention}, I only act on new comments, not edited ones: please post ${slash} as a new comment.`,
    );
  }
  if (event.sender.type === 'Bot') {
    return refuse(`${mention}, I don't take ${slash} from bots: a person with write access needs to ask.`);
  }
  if (command.name === 'malformed') {
    const usage = command.command === 'rollback' ? '`/rollback` or `/rollback <target>`' : '`/preview`';
    return refuse(
      `${mention}, I did not act on \`${quoteLine(command.line)}\`: write ${usage} alone on the first line, as a new comment.`,
    );
  }
  const permission = await getPermission(flow, event.sender.login);
  if (!isWriter(permission)) {
    return refuse(
      `${mention}, sorry: ${slash} needs write access to ${flow.repository} (yours: ${permission.role}). Ask a maintainer to run it.`,
    );
  }

  if (command.name === 'rollback') {
    return runRollback(flow, {
      pullNumber: event.issueNumber,
      ...(command.target ? { target: command.target } : {}),
      requester: event.sender.login,
      commentId: event.commentId,
      defaultBranch: event.defaultBranch,
    });
  }
  const pull = await getPull(flow, event.issueNumber);
  if (pull.state !== 'open') {
    // A merged PR's comment holds its deployments' outcome; a preview of it now would replace that.
    const what = pull.merged ? 'merged' : 'closed';
    return refuse(
      `${mention}, #${pull.number} is ${what}: ${slash} previews open pull requests${pull.merged ? ', and this comment keeps what its merge deployed' : ''}.`,
    );
  }
  const outcome = await runPreview(flow, {
    pull,
    trigger: `comment-${event.commentId}`,
    defaultBranch: event.defaultBranch,
  });
  if (outcome === 'unconfigured') {
    return refuse(
      `${mention}, there is no \`.github/ferry.yml\` at ${pull.headSha.slice(0, 7)}, so there is nothing to preview.`,
    );
  }
  return outcome;
}

/** The line as one short code span (no backtick to close it early, so no @mention or link inside works). */
function quoteLine(line: string): string {
  const safe = line.replaceAll('`', "'");
  return safe.length > 80 ? `${safe.slice(0, 79)}…` : safe;
}
