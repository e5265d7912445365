/**
 * Where any of many strings occurs in a text, in one pass over the text: each value is indexed by a
 * hash of its first few characters, and a position whose window hashes to one is checked by exact
 * lookup, once per length the values there have. Checking every value against every text instead
 * costs texts × values: 4,000 changed Secrets made `ferry diff` take 5 s in scrubText alone.
 */
export class ValueFinder {
  private readonly width: number;
  /** Hash of a value's first `width` characters → the lengths of the values that start so. */
  private readonly lengths = new Map<number, number[]>();
  /** Value → its index in `values`. */
  private readonly index = new Map<string, number>();

  constructor(values: readonly string[]) {
    let shortest = Number.POSITIVE_INFINITY;
    for (const v of values) if (v !== '') shortest = Math.min(shortest, v.length);
    this.width = Math.min(shortest, MAX_WIDTH);
    values.forEach((value, i) => {
      if (value === '' || this.index.has(value)) return;
      this.index.set(value, i);
      const h = hashOf(value, 0, this.width);
      const lengths = this.lengths.get(h);
      if (!lengths) this.lengths.set(h, [value.length]);
      else if (!lengths.includes(value.length)) lengths.push(value.length);
    });
  }

  /** Every occurrence (overlapping ones too) as [value index, position], by value index, then position. */
  find(text: string): [number, number][] {
    const out: [number, number][] = [];
    const w = this.width;
    if (this.index.size === 0 || text.length < w) return out;
    const top = POW[w - 1] as number;
    let h = hashOf(text, 0, w);
    for (let i = 0; ; i++) {
      const lengths = this.lengths.get(h);
      if (lengths) {
        for (const length of lengths) {
          const at = length <= text.length - i ? this.index.get(text.slice(i, i + length)) : undefined;
          if (at !== undefined) out.push([at, i]);
        }
      }
      if (i + w >= text.length) break;
      // Roll the window one character on: take the first out, bring the next in.
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), top), BASE) + text.charCodeAt(i + w)) >>> 0;
    }
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
}

/** Longer windows would only rule out more positions; 8 characters already makes a hit rare. */
const MAX_WIDTH = 8;
const BASE = 31;
/** BASE^k mod 2^32, for k < MAX_WIDTH. */
const POW = Array.from({ length: MAX_WIDTH }, (_, k) => {
  let p = 1;
  for (let j = 0; j < k; j++) p = Math.imul(p, BASE) >>> 0;
  return p;
});

/** Polynomial hash of text[from, from + width), mod 2^32. */
function hashOf(text: string, from: number, width: number): number {
  let h = 0;
  for (let k = 0; k < width; k++) h = (Math.imul(h, BASE) + text.charCodeAt(from + k)) >>> 0;
  return h;
}
