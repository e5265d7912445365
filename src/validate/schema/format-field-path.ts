const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * A field path as people read it: `spec.template.spec.containers[0].image`,
 * `metadata.labels["app.kubernetes.io/name"]` for keys that are not plain identifiers.
 */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
