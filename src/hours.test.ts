import { describe, expect, it } from "vitest";
import { addHours, dayOf, epochMsToHour, hourOf, hourToEpochMs } from "./hours.ts";

describe("hours", () => {
  it("steps across day, month, year and leap-day boundaries", () => {
    expect(addHours("2024022823", 1)).toBe("2024022900");
    expect(addHours("2024022923", 1)).toBe("2024030100");
    expect(addHours("2025123123", 1)).toBe("2026010100");
    expect(addHours("2026010100", -24)).toBe("2025123100");
  });

  it("converts to and from epoch milliseconds", () => {
    expect(hourToEpochMs("1970010101")).toBe(3_600_000);
    expect(epochMsToHour(Date.UTC(2026, 0, 15, 10, 59, 59))).toBe("2026011510");
    expect(() => hourToEpochMs("2026-01-15")).toThrow(RangeError);
  });

  it("reads the hour and day of a normalised timestamp", () => {
    expect(hourOf("2026-01-15T10:20:30Z")).toBe("2026011510");
    expect(dayOf("2026011510")).toBe("20260115");
  });
});
