/**
 * FNV-1a, 32 bits, over a string's UTF-16 code units, unsigned: a fast, well-spread hash for choosing
 * shards and keys of in-memory sets, never for anything an adversary could exploit.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
