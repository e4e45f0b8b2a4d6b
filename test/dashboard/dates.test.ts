import { describe, expect, it } from "vitest";
import {
  bucketOfTimestamp,
  daysCovered,
  daysOf,
  isIsoDay,
  lastWholeMonth,
  presetRange,
  wholeMonthsOf,
} from "../../web/src/dates.ts";

describe("the dashboard's dates", () => {
  it("accepts real calendar days only", () => {
    expect(isIsoDay("2024-02-29")).toBe(true);
    expect(isIsoDay("2026-02-29")).toBe(false);
    expect(isIsoDay("2026-1-05")).toBe(false);
  });

  it("ends presets on the latest day with data, counting it in", () => {
    const last30 = presetRange("last-30", "2026-02-01");
    expect(last30).toEqual({ start: "2026-01-03", end: "2026-02-01" });
    expect(daysOf(last30)).toHaveLength(30);
    expect(daysOf(presetRange("last-90", "2026-02-01"))).toHaveLength(90);
    expect(presetRange("this-year", "2026-02-01")).toEqual({ start: "2026-01-01", end: "2026-02-01" });
  });

  it("keeps the whole months of a range, as the API's monthly reads do", () => {
    // docs/api.md: 20151120..20160103 answers December 2015 only.
    expect(wholeMonthsOf({ start: "2015-11-20", end: "2016-01-03" })).toEqual(["2015-12"]);
    expect(wholeMonthsOf({ start: "2026-01-01", end: "2026-02-28" })).toEqual(["2026-01", "2026-02"]);
    expect(wholeMonthsOf({ start: "2026-01-02", end: "2026-02-27" })).toEqual([]);
    expect(daysCovered(["2026-01", "2026-02"], "monthly")).toBe(31 + 28);
  });

  it("takes the month before as the latest whole month until the last day of a month", () => {
    expect(lastWholeMonth("2026-02-01")).toBe("2026-01");
    expect(lastWholeMonth("2026-02-28")).toBe("2026-02");
    expect(lastWholeMonth("2026-01-15")).toBe("2025-12");
  });

  it("reads the API's timestamps as days or months", () => {
    expect(bucketOfTimestamp("2026013000", "daily")).toBe("2026-01-30");
    expect(bucketOfTimestamp("2026010100", "monthly")).toBe("2026-01");
  });
});
