import { createPrivateKey } from 'node:crypto';

/**
 * What is wrong with a PEM block meant as a GitHub App's private key, or undefined when it is one.
 * The header alone says nothing: a truncated or hand-edited key, or a key of another kind, passed the
 * start and failed on every webhook, when the first installation token was signed (RS256, so RSA only).
 */
export function privateKeyProblem(pem: string, source: string): string | undefined {
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (err) {
    // Node's words say nothing about the key's bytes (it is a secret): only that it does not decode.
    if (!(err instanceof Error)) throw err;
    return `${source} is not a valid private key (its PEM block does not decode: truncated or damaged?): generate a new one on the GitHub App's settings page`;
  }
  if (type !== 'rsa') {
    return `${source} is ${type ? `an ${type.toUpperCase()}` : 'not an RSA'} key; GitHub Apps sign with RSA: use the .pem the GitHub App's settings page generates`;
  }
  return undefined;
}
