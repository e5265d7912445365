import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseCommand } from '../../src/github/parse-command.ts';

describe('parseCommand', () => {
  test.each([
    ['/preview', { name: 'preview' }],
    ['  /preview  \nthanks!', { name: 'preview' }],
    ['\n\n/rollback', { name: 'rollback' }],
    ['/rollback production', { name: 'rollback', target: 'production' }],
    ['/rollback staging-eu_1.a\r\nplease', { name: 'rollback', target: 'staging-eu_1.a' }],
    // The name in any case (`/Rollback` typed on a phone); the target as written.
    ['/Rollback', { name: 'rollback' }],
    ['/ROLLBACK production', { name: 'rollback', target: 'production' }],
    ['/Preview', { name: 'preview' }],
    // CommonMark: up to three spaces of indentation still begin a paragraph.
    ['   /rollback', { name: 'rollback' }],
    ['/rollback\n\n    code after the command', { name: 'rollback' }],
  ])('reads %j as a command', (body, command) => {
    expect(parseCommand(body)).toEqual(command);
  });

  test.each([['please /preview'], ['> /rollback'], ['`/rollback`'], ['/rollbacks'], ['']])(
    'does not read %j as a command',
    (body) => {
      expect(parseCommand(body)).toBeUndefined();
    },
  );

  // Silence on `/rollback production now` left someone waiting for a rollback that never came.
  test.each([
    ['/preview now', 'preview'],
    ['/rollback production staging', 'rollback'],
    ['/rollback production now!', 'rollback'],
    ['/rollback ../etc', 'rollback'],
    ['/Rollback Production please', 'rollback'],
  ])('reads %j as a malformed %s command, to be answered with its usage', (body, command) => {
    expect(parseCommand(body)).toEqual({ name: 'malformed', command, line: body });
  });

  // A command shown as an example is not a command (issue 10: an indented `/rollback` opened a
  // revert pull request).
  test.each([
    ['an indented code block', '    /rollback'],
    ['an indented code block after a blank line', '\n    /rollback production'],
    ['a tab-indented code block', '\t/rollback'],
    ['a fenced code block', '```\n/rollback\n```'],
    ['a tilde fence', '~~~sh\n/preview\n~~~'],
    ['a quote', '> /rollback'],
    ['a lazy quote continuation', '> see\n/rollback'],
    ['a list item', '- /rollback'],
    ['a setext heading', '/rollback\n---'],
    ['an ATX heading', '# /rollback'],
  ])('does not read a command in %s', (_, body) => {
    expect(parseCommand(body)).toBeUndefined();
  });

  test('treats null bodies (deleted or empty comments) as no command', () => {
    expect(parseCommand(null)).toBeUndefined();
  });

  test('only ever returns commands whose first line starts with a slash', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        const command = parseCommand(body);
        if (command) expect(body.trimStart().startsWith('/')).toBe(true);
      }),
    );
  });
});
