import { describe, expect, it } from "vitest";
import { DAY_SLOTS, decodeSlots, encodeSlots, HOUR_SLOTS } from "./letters.ts";

function hours(entries: Record<number, number>): number[] {
  const counts = new Array<number>(HOUR_SLOTS).fill(0);
  for (const [slot, count] of Object.entries(entries)) counts[Number(slot)] = count;
  return counts;
}

describe("encodeSlots", () => {
  it("writes the spec's example A3C12X1: hours 0, 2 and 23, zero hours omitted", () => {
    expect(encodeSlots(hours({ 0: 3, 2: 12, 23: 1 }))).toBe("A3C12X1");
  });

  it("uses [ \\ ] ^ _ for days 27 to 31 of a 31-day month", () => {
    const days = Array.from({ length: DAY_SLOTS }, (_, i) => i + 1);
    expect(encodeSlots(days)).toBe(
      "A1B2C3D4E5F6G7H8I9J10K11L12M13N14O15P16Q17R18S19T20U21V22W23X24Y25Z26[27\\28]29^30_31",
    );
  });
});

describe("decodeSlots", () => {
  it("reads back A3C12X1 and gives the total", () => {
    const counts = new Array<number>(HOUR_SLOTS).fill(0);
    expect(decodeSlots("A3C12X1", HOUR_SLOTS, counts)).toBe(16);
    expect(counts).toEqual(hours({ 0: 3, 2: 12, 23: 1 }));
  });

  it("reads the day letters after Z", () => {
    const counts = new Array<number>(DAY_SLOTS).fill(0);
    expect(decodeSlots("A1[2\\3]4^5_6", DAY_SLOTS, counts)).toBe(21);
    expect(counts.slice(26)).toEqual([2, 3, 4, 5, 6]);
    expect(counts[0]).toBe(1);
  });

  it("refuses letters beyond the slots, missing or zero counts, and stray characters", () => {
    for (const text of ["Y1", "A", "A0", "A1B", "a1", "A1 ", "", "1A"]) {
      expect(decodeSlots(text, HOUR_SLOTS, new Array<number>(HOUR_SLOTS).fill(0)), text).toBe(-1);
    }
    expect(decodeSlots("_1", HOUR_SLOTS, new Array<number>(HOUR_SLOTS).fill(0))).toBe(-1);
  });
});
