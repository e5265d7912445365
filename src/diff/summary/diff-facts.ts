import { isAcceleratorResource } from '../../manifest/accelerators.ts';
import { readText } from './read-path.ts';

/** One fact an object states, as the summary says it: `GPU limit 8 (nvidia.com/gpu)`, `model …`. */
export interface Fact {
  /** How the summary names it: `model`, `image`, `GPU limit`, `replicas`. */
  label: string;
  value: string;
  /** The resource a number counts (`nvidia.com/gpu`). */
  unit?: string;
  /** What its absence means (`none`, `any`, `0`); `unset` when not given. */
  none?: string;
}

/**
 * The facts that differ between two objects' facts by key, in `order` (else the keys as they come,
 * after's first): `before` absent, the object is new and each fact is said as it is; a fact that moved
 * is said by `transition` (`old → new`), one that appeared or went from or to its `none`.
 */
export function diffFacts(opts: {
  before: ReadonlyMap<string, Fact> | undefined;
  after: ReadonlyMap<string, Fact>;
  transition: (from: string, to: string) => string;
  order?: (keys: string[]) => string[];
}): string[] {
  const { before: a, after: b } = opts;
  const say = (f: Fact, value: string) => `${f.label} ${value}${f.unit ? ` (${f.unit})` : ''}`;
  const keys = [...new Set([...b.keys(), ...(a?.keys() ?? [])])];
  const facts: string[] = [];
  for (const key of opts.order ? opts.order(keys) : keys) {
    const old = a?.get(key);
    const now = b.get(key);
    if (now && !a) facts.push(say(now, now.value));
    else if (now && old?.value !== now.value)
      facts.push(say(now, opts.transition(old?.value ?? now.none ?? 'unset', now.value)));
    else if (old && !now) facts.push(say(old, `${old.value} → ${old.none ?? 'unset'}`));
  }
  return facts;
}

/** The accelerator resources of a `limits` (or `requests`) map and their counts as written, sorted. */
export function acceleratorCounts(limits: Record<string, unknown> | undefined): [string, string][] {
  if (!limits) return [];
  return Object.keys(limits)
    .filter(isAcceleratorResource)
    .sort()
    .flatMap((name) => {
      const text = readText(limits, name);
      return text === undefined ? [] : [[name, text] as [string, string]];
    });
}
