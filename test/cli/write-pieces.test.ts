import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findingLines, formatFindings } from '../../src/cli/format-findings.ts';
import { jsonPieces, linesOf, printJson, writePieces } from '../../src/cli/write-pieces.ts';
import type { Finding } from '../../src/types.ts';

/** JSON values with what JSON.stringify leaves out or writes as null among them (undefined, functions). */
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('jsonPieces', () => {
  it('joins to the text JSON.stringify(value, null, 2) gives', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 5 }), (record) => {
        expect([...jsonPieces(record)].join('')).toBe(JSON.stringify(record, null, 2));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), (list) => {
        expect([...jsonPieces(list)].join('')).toBe(JSON.stringify(list, null, 2));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a large report in writes of about 64 KiB, the same text as one console.log', async () => {
    const findings = Array.from({ length: 3000 }, (_, i) => ({
      rule: 'image-pinned',
      severity: 'warning',
      resource: `Deployment ml/server-${i}`,
      file: `deploy/part-${i % 7}.yaml`,
      line: i + 1,
      message: `image registry.example.com/server:latest uses the moving tag "latest"\n(${i})`,
      targets: [],
    }));
    const { out, writes } = slowReader();
    await printJson({ resources: 9000, findings }, out);
    expect(writes.join('')).toBe(`${JSON.stringify({ resources: 9000, findings }, null, 2)}\n`);
    expect(writes.length).toBeGreaterThan(5);
    for (const w of writes.slice(0, -1)) expect(w.length).toBeLessThan(70_000);
    // A reader slower than the writer (a pipe): each write waited for the last, nothing queued up.
    expect(out.maxQueued).toBeLessThan(140_000);

    const text = formatFindings(findings as Finding[], { color: false, resources: 9000 });
    const lines = slowReader();
    await writePieces(
      linesOf(findingLines(findings as Finding[], { color: false, resources: 9000 })),
      lines.out,
    );
    expect(lines.writes.join('')).toBe(`${text}\n`);
    expect(lines.writes.length).toBeGreaterThan(1);
    expect(lines.out.maxQueued).toBeLessThan(140_000);
  });
});

/** A stream that takes each write a moment later, as a pipe's reader does, and notes the most it held queued. */
function slowReader(): { out: Writable & { maxQueued: number }; writes: string[] } {
  const writes: string[] = [];
  const out = Object.assign(
    new Writable({
      decodeStrings: false,
      write(chunk: string, _encoding, done) {
        writes.push(chunk);
        setTimeout(done, 1);
      },
    }),
    { maxQueued: 0 },
  );
  const write = out.write.bind(out);
  out.write = ((chunk: string) => {
    const ok = write(chunk);
    out.maxQueued = Math.max(out.maxQueued, out.writableLength);
    return ok;
  }) as typeof out.write;
  return { out, writes };
}
