/**
 * Which blocks to keep so their total length (plus `separator` between them) fits `budget`:
 * drop the largest first, so one huge diff goes before many small ones. Returns kept indexes in
 * their original order. O(n log n).
 */
export function fitBlocks(sizes: readonly number[], budget: number, separator = 2): number[] {
  let total = sizes.reduce((sum, size) => sum + size + separator, 0);
  const dropped = new Set<number>();
  if (total > budget) {
    const bySize = sizes.map((size, i) => ({ size, i })).sort((a, b) => b.size - a.size || b.i - a.i);
    for (const { size, i } of bySize) {
      if (total <= budget) break;
      dropped.add(i);
      total -= size + separator;
    }
  }
  return sizes.map((_, i) => i).filter((i) => !dropped.has(i));
}
