/**
 * Secrets Manager reads, once per cold start. The secret's ARN comes from the environment (it is
 * not a secret); its value never enters the environment, the template, a log or an error message.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export class SecretLoadError extends Error {
  override readonly name = 'SecretLoadError';
  constructor(
    message: string,
    readonly secretId: string,
    /**
     * `read`: Secrets Manager could not be read (throttled, unreachable, denied), which a retry may
     * fix; `value`: the secret was read and is not usable (empty, the placeholder, malformed), which
     * only the operator can fix.
     */
    readonly kind: 'read' | 'value',
    options?: ErrorOptions,
  ) {
    super(`secret ${secretId}: ${message}`, options);
  }
}

/** Thrown by a `parse` function with a message that is safe to show (it names fields, never values). */
export class SecretValueError extends Error {
  override readonly name = 'SecretValueError';
}

export interface SecretLoaderOptions<T> {
  client: Pick<SecretsManagerClient, 'send'>;
  secretId: string;
  /**
   * Turns the secret string into a value. Throw `SecretValueError` with a message naming fields,
   * never values; any other error is reported as "could not be parsed" and its message dropped.
   */
  parse: (secretString: string) => T;
}

/**
 * A memoised reader: the first call fetches, later calls share the result. A failed fetch is not
 * cached, so a throttled or briefly denied read is retried by the next invocation.
 */
export function createSecretLoader<T>(options: SecretLoaderOptions<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const load = async (): Promise<T> => {
    let secretString: string | undefined;
    try {
      const out = await options.client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
      secretString = out.SecretString;
    } catch (err) {
      throw new SecretLoadError('GetSecretValue failed', options.secretId, 'read', { cause: err });
    }
    if (secretString === undefined || secretString === '') {
      throw new SecretLoadError(
        'has no string value (binary secrets are not supported)',
        options.secretId,
        'value',
      );
    }
    try {
      return options.parse(secretString);
    } catch (err) {
      // A parser's message may quote the input (JSON.parse does): keep only our own words.
      const reason = err instanceof SecretValueError ? err.message : 'value could not be parsed';
      throw new SecretLoadError(reason, options.secretId, 'value');
    }
  };
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
