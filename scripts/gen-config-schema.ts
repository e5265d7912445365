/**
 * Writes docs/ferry.schema.json from the config's zod schema. Run after changing src/config/config-schema.ts:
 *   npx tsx scripts/gen-config-schema.ts
 * test/config/config-json-schema.test.ts fails while the committed file is stale.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/config/config-json-schema.ts';

const out = fileURLToPath(new URL('../docs/ferry.schema.json', import.meta.url));
await writeFile(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
// Format as `biome check` expects, so the generated file passes the repository's lint.
const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
execFileSync(biome, ['format', '--write', out], { stdio: 'ignore' });
console.log(`wrote ${out}`);
