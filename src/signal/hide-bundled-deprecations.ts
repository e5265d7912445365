/**
 * Deprecation warnings Node gives only for code outside node_modules, which a bundle makes every
 * dependency look like (dist/cli, the Lambda's /var/task). From the sources, Node says nothing; from
 * the CLI build, each cluster command printed two lines a user can do nothing about, and the worker
 * Lambda would log them once per container. Installed by the CLI's entry and the worker function's.
 * - DEP0169 (`url.parse()`, warned from Node 24): node-fetch 2, the Kubernetes client's HTTP library,
 *   parses every request URL with it. Ferry's own code never calls `url.parse`.
 * (DEP0040, the built-in `punycode`, is not hidden: the build takes the userland package instead.)
 */
export const BUNDLED_DEPENDENCY_DEPRECATIONS: ReadonlySet<string> = new Set(['DEP0169']);

/** Drops those warnings from `process.emitWarning`; every other warning is emitted as before. */
export function hideBundledDeprecations(proc: Pick<NodeJS.Process, 'emitWarning'> = process): void {
  const emit = proc.emitWarning;
  proc.emitWarning = function emitWarning(this: unknown, ...args: Parameters<typeof emit>) {
    const [, typeOrOptions, code] = args as unknown[];
    const warningCode =
      typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as { code?: unknown }).code
        : code;
    if (typeof warningCode === 'string' && BUNDLED_DEPENDENCY_DEPRECATIONS.has(warningCode)) return;
    return (emit as (...a: unknown[]) => void).apply(this, args);
  } as typeof emit;
}
