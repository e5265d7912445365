/**
 * Kubernetes resource quantities (`500m`, `2Gi`, `1e3`, `4`), per apimachinery's `resource.Quantity`:
 * a signed decimal number followed by a binary SI suffix (Ki…Ei), a decimal SI suffix (n, u, m, k, M…E)
 * or a decimal exponent (`e3`). Returns the value as a number, or undefined when it is not a quantity.
 */
const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// Written without overlapping quantifiers: manifests come from pull requests, so no input may backtrack.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number = '', exponent, suffix = ''] = match;
  const base = Number(number);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  const scale = SUFFIXES[suffix];
  return scale === undefined ? undefined : base * scale;
}
