/**
 * pageview_complete's count encodings: a letter per time slot followed by that slot's count, zero
 * slots left out. Daily files use hours 0…23 as `A`…`X`; monthly files days 1…31 as `A`…`Z` then
 * `[`, `\`, `]`, `^`, `_` (the ASCII characters after `Z`), so slot i is always the character 65 + i.
 */

const FIRST_LETTER = 65;

/** Hours of a day, days of a month: the most slots an encoding has. */
export const HOUR_SLOTS = 24;
export const DAY_SLOTS = 31;

/** Encodes counts by slot (index 0 = `A`); slots with 0 are omitted. `[3, 0, 12]` → `A3C12`. */
export function encodeSlots(counts: ArrayLike<number>): string {
  let text = "";
  for (let slot = 0; slot < counts.length; slot++) {
    const count = counts[slot] as number;
    if (count !== 0) text += String.fromCharCode(FIRST_LETTER + slot) + count;
  }
  return text;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * Decodes `letters` into `counts` (added to it, which must have `slotCount` entries), returning the
 * total; -1 when the text is not an encoding of at most `slotCount` slots with positive counts.
 */
export function decodeSlots(letters: string, slotCount: number, counts: number[]): number {
  let total = 0;
  let i = 0;
  if (letters.length === 0) return -1;
  while (i < letters.length) {
    const slot = letters.charCodeAt(i) - FIRST_LETTER;
    if (slot < 0 || slot >= slotCount) return -1;
    i++;
    let count = 0;
    const start = i;
    for (let c = letters.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = letters.charCodeAt(++i)) {
      count = count * 10 + (c - DIGIT_0);
    }
    if (i === start || count === 0) return -1;
    counts[slot] = (counts[slot] as number) + count;
    total += count;
  }
  return total;
}
