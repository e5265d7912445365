import { describe, expect, it } from 'vitest';
import type { CompareStatus } from '../../src/agent/agent-github.ts';
import { decidePoll } from '../../src/agent/decide-poll.ts';
import { SHA_A, SHA_B, SHA_C, SHA_D } from './helpers/make-target.ts';

const order = (status: CompareStatus) => async () => status;
const never = async (): Promise<CompareStatus> => {
  throw new Error('compare should not be asked');
};

describe('decidePoll', () => {
  it('signals a head it has not seen that is newer than the desired revision', async () => {
    expect(
      await decidePoll({
        head: SHA_B,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: undefined,
        order: order('ahead'),
      }),
    ).toEqual({ signal: true, record: true });
  });

  it('does nothing for a head it already acted on, or one the Sync already asks for', async () => {
    expect(
      await decidePoll({ head: SHA_B, desired: SHA_A, rollback: false, lastPolledHead: SHA_B, order: never }),
    ).toEqual({ signal: false, record: false });
    expect(
      await decidePoll({
        head: SHA_A,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: undefined,
        order: never,
      }),
    ).toEqual({ signal: false, record: true });
  });

  it('never undoes an explicit rollback it finds at start-up, but a later new head releases it', async () => {
    expect(
      await decidePoll({
        head: SHA_B,
        desired: SHA_A,
        rollback: true,
        lastPolledHead: undefined,
        order: never,
      }),
    ).toEqual({ signal: false, record: true });
    expect(
      await decidePoll({
        head: SHA_C,
        desired: SHA_A,
        rollback: true,
        lastPolledHead: SHA_B,
        order: order('ahead'),
      }),
    ).toEqual({ signal: true, record: true });
  });

  it('leaves an older or diverged head alone', async () => {
    expect(
      await decidePoll({
        head: SHA_B,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: undefined,
        order: order('behind'),
      }),
    ).toEqual({ signal: false, record: true });
    expect(
      await decidePoll({
        head: SHA_B,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: undefined,
        order: order('diverged'),
      }),
    ).toEqual({ signal: false, record: true });
  });

  it('never signals the held revision, nor a head that is not newer than it', async () => {
    // main: A (rollback target) ← C (held, bad). The Sync asks for A since /rollback.
    expect(
      await decidePoll({
        head: SHA_C,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: SHA_A,
        held: SHA_C,
        order: never,
      }),
    ).toEqual({ signal: false, record: true });
    const compares: string[] = [];
    const byBase = (answers: Record<string, CompareStatus>) => async (base: string) => {
      compares.push(base);
      return answers[base] ?? 'missing';
    };
    // B is between A and C: newer than the desired A, but not newer than the held C.
    expect(
      await decidePoll({
        head: SHA_B,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: SHA_A,
        held: SHA_C,
        order: byBase({ [SHA_A]: 'ahead', [SHA_C]: 'behind' }),
      }),
    ).toEqual({ signal: false, record: true });
    expect(compares).toEqual([SHA_A, SHA_C]);
    // D, the revert's merge, is newer than the held C: signalled.
    expect(
      await decidePoll({
        head: SHA_D,
        desired: SHA_A,
        rollback: false,
        lastPolledHead: SHA_A,
        held: SHA_C,
        order: byBase({ [SHA_A]: 'ahead', [SHA_C]: 'ahead' }),
      }),
    ).toEqual({ signal: true, record: true });
  });
});
