/**
 * How the two functions are bundled, shared by the stack (NodejsFunction, local esbuild, no Docker)
 * and by bench/lambda.bench.ts, so the bench measures exactly what is deployed.
 */
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * ESM output runs CommonJS dependencies (pino, bottleneck…) through esbuild's `require` shim,
 * which needs a real `require`; some also read `__dirname`. Single quotes only: CDK passes the
 * banner to esbuild inside double quotes on a shell command line.
 */
export const ESM_BANNER = [
  "import { createRequire as __ferryCreateRequire } from 'node:module';",
  "import { fileURLToPath as __ferryFileURLToPath } from 'node:url';",
  "import { dirname as __ferryDirname } from 'node:path';",
  'const require = __ferryCreateRequire(import.meta.url);',
  'const __filename = __ferryFileURLToPath(import.meta.url);',
  'const __dirname = __ferryDirname(__filename);',
].join(' ');

/**
 * Node's built-in `punycode` is deprecated (DEP0040) and, from Node 21, says so on stderr when code
 * outside node_modules loads it, which in a bundle is all code. @kubernetes/client-node 1.x loads it
 * (node-fetch 2 → whatwg-url → tr46), so every cluster command printed a two-line DeprecationWarning. Bundles take the userland package of the same
 * API instead, as Node's notice suggests (the trailing slash names the package, not the built-in);
 * scripts/build-cli.mjs gives the CLI build the same alias.
 */
export const USERLAND_PUNYCODE = { punycode: 'punycode/' } as const;

export interface FunctionBundling {
  /** Entry file, relative to the project root. */
  entry: string;
  /** Modules left out of the bundle (provided by the Lambda runtime). */
  external: string[];
  sourceMap: boolean;
}

/**
 * The webhook bundles the AWS SDK too, although the nodejs24.x runtime ships SDK v3 (leaving
 * `@aws-sdk/*` external is NodejsFunction's default). Measured by bench/lambda.bench.ts: importing
 * the three clients from node_modules takes about twice as long as one tree-shaken ~0.5 MB file,
 * and bundling pins the SDK version the tests ran. The external variant stays in the bench.
 */
export const WEBHOOK_BUNDLING: FunctionBundling = {
  entry: 'functions/webhook/index.ts',
  external: [],
  sourceMap: false,
};

/**
 * The worker bundles everything as well: the engine's EKS signal uses SDK helper packages the
 * runtime is not documented to carry. Its start-up is off GitHub's 10-second path (the queue
 * absorbs it); source maps cost some init time and buy readable stack traces.
 */
export const WORKER_BUNDLING: FunctionBundling = {
  entry: 'functions/worker/index.ts',
  external: [],
  sourceMap: true,
};

/** esbuild settings common to both (NodejsFunction's `bundling` and the bench's `build()`). */
export const COMMON_BUNDLING = {
  format: 'esm',
  platform: 'node',
  // Lambda's runtime (FUNCTION_RUNTIME in ferry-stack.ts).
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: ESM_BANNER,
  alias: USERLAND_PUNYCODE,
} as const;
