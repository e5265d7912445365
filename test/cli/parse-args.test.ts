import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.ts';

const OPTIONS = {
  base: { type: 'string' },
  head: { type: 'string' },
  repo: { type: 'string' },
  target: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (argv: string[]) => parseArgs(argv, OPTIONS, true);

/** The usage error's message for `argv`. */
function refusal(argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toMatchObject({ name: 'UsageError' });
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was taken`);
}

describe('parseArgs', () => {
  it.each([
    [['--repo='], "option '--repo' needs a value"],
    [['--repo', ''], "option '--repo' needs a value"],
    [['--target='], "option '--target' needs a value"],
    [['--repo'], "option '--repo' needs a value"],
  ])('takes an empty value as a missing one: %j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it.each([
    [
      ['--base', '-x', '--head', 'HEAD'],
      "option '--base' needs a value; a value that starts with '-' is written --base=-x",
    ],
    [['--base', '-1m'], "option '--base' needs a value; a value that starts with '-' is written --base=-1m"],
    // The value forgotten before another option: only that it is missing.
    [['--base', '--head', 'HEAD'], "option '--base' needs a value"],
    [['--base', '-h'], "option '--base' needs a value"],
  ])('says an option followed by a word starting with - needs a value: %j', (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('takes a value that starts with - when written --base=-x', () => {
    expect(parse(['--base=-x']).values.base).toBe('-x');
  });

  it('still says a flag takes no value', () => {
    expect(refusal(['--all=yes'])).toBe("option '--all' takes no value");
  });

  it.each([
    [['--repo', '.', '--repo', '/elsewhere'], 'repo'],
    [['--base=main', '--head', 'HEAD', '--base', 'dev'], 'base'],
  ])('refuses an option that takes a value given twice: %j', (argv, name) => {
    expect(refusal(argv)).toBe(`option '--${name}' given twice; give it once`);
  });

  it('takes a repeatable option many times, and a flag twice', () => {
    const { values } = parse(['--target', 'a', '--target', 'b', '--all', '--all']);
    expect(values.target).toEqual(['a', 'b']);
    expect(values.all).toBe(true);
  });
});
