#!/usr/bin/env node
// The `ferry` CLI. TypeScript sources run through tsx's loader, so `npx ferry …`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
