import type { Annotation } from './render-check-run.ts';

/** GitHub accepts at most 50 annotations per check-run create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Annotations in request-sized batches, in order. */
export function chunkAnnotations(
  annotations: readonly Annotation[],
  size = ANNOTATIONS_PER_REQUEST,
): Annotation[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += size) chunks.push(annotations.slice(i, i + size));
  return chunks;
}
