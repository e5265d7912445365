import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';

export interface CapturedLogs {
  logger: Logger;
  /** Every JSON line written so far, parsed. */
  entries: () => Record<string, unknown>[];
  /** Everything written so far, raw (for "never contains" checks). */
  text: () => string;
}

/**
 * A real Powertools logger whose output is captured instead of printed. Powertools writes through
 * its own `Console` on process.stdout/stderr, so the streams are what we intercept.
 */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const collect = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(collect as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(collect as typeof process.stderr.write);
  const logger = new Logger({ serviceName: 'ferry-test', logLevel: 'DEBUG' });
  const text = () => chunks.join('');
  const entries = () =>
    text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, entries, text };
}
