import { defineConfig } from 'vitest/config';

/** Test folders whose files may share a process (see `isolate` below). */
const SHARED = ['manifest', 'validate', 'diff', 'report', 'config', 'infra'].map(
  (dir) => `test/${dir}/**/*.test.ts`,
);

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: SHARED,
          // These files only compute, or synthesise the CDK stack (no mocks, environment or other
          // process-wide state), so one process may run several of them instead of importing the
          // sources (and aws-cdk-lib, ~5 s) again for each file.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: SHARED } },
    ],
    globalSetup: ['test/global-setup.ts'],
    // Tests spawn real kubectl/helm and local HTTP servers: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest leaves one core free by default; the tests wait on child processes (kubectl, helm, the built
    // CLI) much of the time, so both cores of a 2-core machine cut the wall time by about a fifth.
    maxWorkers: 2,
    // Node 20 is supported (engines) though past its end of life; the AWS SDK's notice that its 2027
    // releases will need Node 22 is documented in the README, not repeated by every test process.
    // No test writes the user's render cache (~/.cache/ferry/renders); the cache's own tests give it a
    // temporary directory.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      FERRY_RENDER_CACHE_DIR: 'off',
      // The CLI processes tests start write no compile cache into the home folder (bin/compile-cache.js).
      NODE_DISABLE_COMPILE_CACHE: '1',
    },
  },
});
