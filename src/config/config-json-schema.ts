import * as z from 'zod';
import { ferryConfigSchema } from './config-schema.ts';

/**
 * The JSON Schema of `.github/ferry.yml`, generated from the zod schema (what users may write: defaults are
 * optional). Committed as docs/ferry.schema.json for editors; a test keeps the file in step.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ferryConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
