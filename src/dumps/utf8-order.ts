/**
 * Compares strings in UTF-8 byte order, as Spark and Hive sort the dumps. JavaScript compares UTF-16
 * code units, which differs only where a surrogate (U+D800–DFFF, a character above U+FFFF) meets a
 * code unit in U+E000–FFFF: in UTF-8 the former sorts after.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

function utf8Rank(codeUnit: number): number {
  if (codeUnit < 0xd800) return codeUnit;
  return codeUnit < 0xe000 ? codeUnit + 0x2000 : codeUnit - 0x800;
}
