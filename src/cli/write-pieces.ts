import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { inChunks } from '../report/in-chunks.ts';

/**
 * Writes text to `out` (standard output) in writes of ~64 KiB, from pieces: a large report (33,000
 * findings are 17 MB of JSON) is never one string and one buffer of its whole size at the end of a
 * run, when memory is at its peak. Each write waits for the last to drain: to a pipe, Node writes
 * asynchronously and would otherwise queue the whole report in memory while the reader catches up.
 */
export async function writePieces(pieces: Iterable<string>, out: Writable = process.stdout): Promise<void> {
  for (const chunk of inChunks(pieces)) await write(out, chunk);
}

async function write(out: Writable, text: string): Promise<void> {
  // A write error (a closed pipe, a full disk) is the stream's 'error', which the CLI handles (run-cli.ts).
  if (!out.write(text)) await once(out, 'drain');
}

/** Levels of arrays and objects written an element at a time; deeper values are stringified whole. */
const STREAMED_LEVELS = 2;

/**
 * `JSON.stringify(value, null, 2)` in pieces (the same text, held to it by a property test): the top
 * levels of arrays and objects an element at a time, each element stringified on its own. Plain data
 * only, as reports are (a value with toJSON is stringified whole).
 */
export function* jsonPieces(value: unknown, indent = '', level = 0): Generator<string> {
  if (
    level >= STREAMED_LEVELS ||
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    const text = JSON.stringify(value, null, 2) ?? 'null';
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i > 0 ? ',' : ''}\n${inner}`;
      const item = value[i];
      // As JSON.stringify: what JSON has no value for is null in an array.
      yield* jsonPieces(isOmitted(item) ? null : item, inner, level + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => !isOmitted(record[key]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? '';
    yield `${i > 0 ? ',' : ''}\n${inner}${JSON.stringify(key)}: `;
    yield* jsonPieces(record[key], inner, level + 1);
  }
  yield `\n${indent}}`;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** `console.log(JSON.stringify(value, null, 2))`, written in pieces (writePieces, jsonPieces). */
export function printJson(value: unknown, out?: Writable): Promise<void> {
  return writePieces(withEnd(jsonPieces(value), '\n'), out);
}

function* withEnd(pieces: Iterable<string>, end: string): Generator<string> {
  yield* pieces;
  yield end;
}

/** Each line followed by a line end, as `console.log(lines.join('\n'))` prints them. */
export function* linesOf(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}
