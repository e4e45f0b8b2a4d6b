import { describe, expect, it } from "vitest";
import { msUntilNextDaily } from "./schedule.ts";

describe("msUntilNextDaily", () => {
  const at = (iso: string) => Date.parse(iso);

  it("waits until the time today, or tomorrow once it has passed", () => {
    expect(msUntilNextDaily("03:15", at("2026-11-27T01:15:00Z"))).toBe(2 * 3_600_000);
    expect(msUntilNextDaily("03:15", at("2026-11-27T03:15:00Z"))).toBe(86_400_000);
    expect(msUntilNextDaily("03:15", at("2026-11-27T23:15:00Z"))).toBe(4 * 3_600_000);
  });

  it("refuses what is not HH:MM", () => {
    expect(() => msUntilNextDaily("3:15", 0)).toThrow(/HH:MM/);
    expect(() => msUntilNextDaily("24:00", 0)).toThrow(/HH:MM/);
  });
});
