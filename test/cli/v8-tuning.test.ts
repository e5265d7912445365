import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: bin/ is plain JavaScript without type declarations (it runs before any loader).
import { INTERRUPT_BUDGET, v8TuningFlags } from '../../bin/v8-tuning.js';

const tuning = (nodeVersion: string, execArgv: string[] = [], nodeOptions?: string): string[] =>
  v8TuningFlags({ nodeVersion, execArgv, nodeOptions });

describe('the V8 settings bin/ferry.js applies', () => {
  it('raises the interrupt budget on Node 20, whose V8 has the flag', () => {
    expect(tuning('20.20.2')).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`]);
    expect(tuning('v20.19.0')).toEqual(['--interrupt-budget=540672']);
  });

  it('sets nothing on Node 22 and later: their V8 has no --interrupt-budget and would print "unrecognized flag" on every command', () => {
    for (const version of ['22.13.0', '22.23.5', '24.22.3', '26.0.0']) expect(tuning(version)).toEqual([]);
  });

  it('keeps a budget the user gave node, on the command line or in NODE_OPTIONS', () => {
    expect(tuning('20.20.2', ['--interrupt-budget=67584'])).toEqual([]);
    expect(tuning('20.20.2', [], '--max-old-space-size=4096 --interrupt_budget=1000')).toEqual([]);
    expect(tuning('20.20.2', ['--max-old-space-size=4096'], '--enable-source-maps')).toEqual([
      '--interrupt-budget=540672',
    ]);
  });

  it('gives the Node running this suite only flags its V8 accepts, without a word on stderr', () => {
    const flags = tuning(process.versions.node, [], undefined);
    const r = spawnSync(
      process.execPath,
      ['-e', `for (const f of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(f)`],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
