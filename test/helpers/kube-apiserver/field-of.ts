/** A top-level map of an object read from the fake server (`{}` when the object or field is missing). */
export function fieldOf(object: Record<string, unknown> | undefined, field: string): Record<string, unknown> {
  const value = object?.[field];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
