/**
 * The one place a function reads its environment: parsed once with a schema at cold start,
 * every missing or bad variable reported in one error. Schemas use `zod/mini`, which tree-shakes
 * (the classic `zod` build would be most of the webhook's bundle).
 */

import { safeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';

export class FunctionConfigError extends Error {
  override readonly name = 'FunctionConfigError';
  constructor(readonly problems: string[]) {
    super(`bad function configuration: ${problems.join('; ')}`);
  }
}

export function loadFunctionConfig<S extends $ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): output<S> {
  const result = safeParse(schema, env);
  if (result.success) return result.data;
  // Name the variable and the problem; never echo a value (the environment is visible to anyone
  // who can read the function's configuration, but logs travel further).
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    return issue.code === 'invalid_type' && issue.input === undefined
      ? `${variable} is not set`
      : `${variable}: ${issue.message}`;
  });
  throw new FunctionConfigError(problems);
}
