import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { FerryStack, stackPropsOf } from '../../infra/ferry-stack.ts';
import { loadStackConfig } from '../../infra/load-stack-config.ts';

let outdir: string | undefined;

/** One output folder per test file: the 36 MB kubectl layer is staged once, not per synth. */
function sharedOutdir(): string {
  if (!outdir) {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-cdk-'));
    outdir = dir;
    // The next file run in this process (vitest.config.ts shares them) stages its own.
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      outdir = undefined;
    });
  }
  return outdir;
}

/**
 * Synthesises the stack the way infra/app.ts does, from context. Bundling is skipped unless asked
 * for (`aws:cdk:bundling-stacks: []`, CDK's switch for it): most tests look at the template, and one
 * test bundles for real.
 */
export function synthStack(
  options: {
    context?: Record<string, unknown>;
    bundle?: boolean;
    env?: { account?: string; region?: string };
  } = {},
): { template: Template; stack: FerryStack; app: App } {
  const app = new App({
    outdir: sharedOutdir(),
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const config = loadStackConfig((key) => app.node.tryGetContext(key), {});
  const region = options.env?.region ?? config.region;
  const stack = new FerryStack(app, config.stackName, {
    ...(region || options.env?.account ? { env: { ...options.env, ...(region ? { region } : {}) } } : {}),
    ...stackPropsOf(config),
  });
  return { template: Template.fromStack(stack), stack, app };
}
