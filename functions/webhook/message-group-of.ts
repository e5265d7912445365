import { createHash } from 'node:crypto';

/** SQS limit on MessageGroupId (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html). */
const MAX_GROUP_ID = 128;

/**
 * The FIFO message group of a delivery: one group per repository, so a repository's events are
 * handled in order while different repositories proceed in parallel. Events without a repository
 * (installation, marketplace…) group by installation, else share one global group.
 */
export function messageGroupOf(payload: unknown): string {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as {
    repository?: { full_name?: unknown };
    installation?: { id?: unknown };
  };
  const fullName = p.repository?.full_name;
  if (typeof fullName === 'string' && fullName.length > 0) return fitGroupId(fullName);
  const installationId = p.installation?.id;
  if (typeof installationId === 'number') return `installation-${installationId}`;
  return 'ferry-global';
}

/**
 * GitHub allows 39-character owners and 100-character repository names, so `owner/repo` can pass
 * SQS's 128 characters; such names keep a readable prefix and a hash suffix (still one per repo).
 * Characters outside printable ASCII (SQS allows alphanumerics and punctuation) are replaced.
 */
function fitGroupId(name: string): string {
  const safe = name.replace(/[^\x21-\x7e]/g, '_');
  if (safe.length <= MAX_GROUP_ID && safe === name) return safe;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${safe.slice(0, MAX_GROUP_ID - hash.length - 1)}#${hash}`;
}
