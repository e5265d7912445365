/**
 * Structured JSON logs (Powertools for AWS Lambda). Service name and level come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL, which the stack sets. Handlers append the
 * delivery id as a key; they never log a payload, a whole event or a secret.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type FunctionLogger = Pick<
  Logger,
  'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'removeKeys' | 'resetKeys' | 'addContext'
>;

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
