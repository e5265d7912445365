import { redactCredentials } from '../diff/redact-credentials.ts';

/** One JSON line per event on stderr; fields are plain values (never a token, a Secret or a whole object). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[level] < min) return;
      // Messages and errors can quote a repository URL with its token: scrubbed before they leave.
      const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
      write(redactCredentials(line));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Error text for a log field: the message and its causes' messages, no stack. */
export function formatError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    const text = cur instanceof Error ? cur.message : String(cur);
    // A wrapper usually quotes its cause (client-node's discovery does): said once.
    if (!parts.some((p) => p.includes(text))) parts.push(text);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': caused by: ');
}
