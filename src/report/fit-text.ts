/**
 * Last resort when even the smallest summary does not fit (thousands of targets): cut at a line
 * boundary and say so. Keeps the marker, so the comment is still found and updated.
 */
export function fitText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const tail = '\n\n… (cut to fit the size limit)';
  const cut = text.lastIndexOf('\n', Math.max(0, maxChars - tail.length));
  return `${text.slice(0, Math.max(0, cut))}${tail}`.slice(0, maxChars);
}
