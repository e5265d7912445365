/**
 * How many bytes `text` is in UTF-8, without encoding it: 1 to 3 a UTF-16 unit, 4 a surrogate pair (a
 * lone surrogate is written as U+FFFD, 3).
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
