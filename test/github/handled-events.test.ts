import { describe, expect, it } from 'vitest';
import { createFerryApp } from '../../src/github/ferry-app.ts';
import { HANDLED_EVENTS, isHandledEvent } from '../../src/github/handled-events.ts';

describe('HANDLED_EVENTS', () => {
  it('lists exactly the events the App registers handlers for, so the webhook function queues what it acts on', () => {
    const registered: string[] = [];
    const app = {
      on: (names: string | string[]) => {
        registered.push(...(Array.isArray(names) ? names : [names]));
      },
    };
    createFerryApp()(app as never, {} as never);
    expect([...registered].sort()).toEqual([...HANDLED_EVENTS].sort());
  });

  it('takes a bare event for every action and an event.action for that action only', () => {
    expect(isHandledEvent('push', {})).toBe(true);
    expect(isHandledEvent('pull_request', { action: 'synchronize' })).toBe(true);
    expect(isHandledEvent('pull_request', { action: 'closed' })).toBe(false);
    expect(isHandledEvent('check_suite', { action: 'completed' })).toBe(false);
    expect(isHandledEvent('check_suite', { action: 'rerequested' })).toBe(true);
    expect(isHandledEvent('installation', { action: 'created' })).toBe(false);
    expect(isHandledEvent('pull_request', null)).toBe(false);
  });

  it("reads of the completed check runs only live preview ones, not CI's on every push", () => {
    const completed = (name: unknown) => ({ action: 'completed', check_run: { name } });
    expect(isHandledEvent('check_run', completed('ferry/live: prod'))).toBe(true);
    expect(isHandledEvent('check_run', completed('build (ubuntu-latest)'))).toBe(false);
    expect(isHandledEvent('check_run', completed('Ferry'))).toBe(false);
    expect(isHandledEvent('check_run', completed(undefined))).toBe(false);
    expect(isHandledEvent('check_run', { action: 'rerequested', check_run: { name: 'Ferry' } })).toBe(true);
  });
});
