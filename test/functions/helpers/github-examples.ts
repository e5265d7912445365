import { createRequire } from 'node:module';

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const all = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];

/** A real webhook payload from @octokit/webhooks-examples (GitHub's own examples). */
export function exampleOf(name: string, action?: string): Record<string, unknown> {
  const group = all.find((e) => e.name === name);
  const example = group?.examples.find((e) => action === undefined || e.action === action);
  if (!example)
    throw new Error(`no @octokit/webhooks-examples payload for ${name}${action ? `.${action}` : ''}`);
  return structuredClone(example);
}
