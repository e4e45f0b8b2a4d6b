import { describe, expect, it } from "vitest";
import { appendBuckets, MonthViewsBuilder, selectedPairs } from "./article-months.ts";
import type { ViewsAt } from "./store.ts";

function month(): number[] {
  const builder = new MonthViewsBuilder();
  builder.add(3, "mobile web", "user", 5);
  builder.add(3, "desktop", "spider", 2);
  builder.add(3, "desktop", "user", 7);
  builder.add(17, "mobile app", "automated", 0);
  builder.add(30, "desktop", "user", 1_000_000_000);
  return builder.finish() ?? [];
}

function buckets(
  selected: number,
  firstDay: number,
  lastDay: number,
  granularity: "daily" | "monthly",
): ViewsAt[] {
  const out: ViewsAt[] = [];
  appendBuckets(202611, month(), selected, firstDay, lastDay, granularity, out);
  return out;
}

describe("a month of one article's views", () => {
  it("keeps each day's pairs whatever order they come in, and nothing for a month without rows", () => {
    expect(month()).toEqual([3, 0b001_000_011, 7, 2, 5, 17, 0b000_100_000, 0, 30, 0b1, 1_000_000_000]);
    expect(new MonthViewsBuilder().finish()).toBeNull();
  });

  it("refuses days out of order and pairs that are not an access method and agent type", () => {
    const builder = new MonthViewsBuilder();
    builder.add(5, "desktop", "user", 1);
    expect(() => builder.add(4, "desktop", "user", 1)).toThrow(/ascend/);
    expect(() => builder.add(6, "tablet" as never, "user", 1)).toThrow(RangeError);
  });

  it("sums the access methods and agents asked for; a day with other views only reads 0", () => {
    expect(buckets(selectedPairs("all-access", "all-agents"), 20261101, 20261130, "daily")).toEqual([
      { timestamp: "2026110300", views: 14 },
      { timestamp: "2026111700", views: 0 },
      { timestamp: "2026113000", views: 1_000_000_000 },
    ]);
    expect(buckets(selectedPairs("desktop", "user"), 20261101, 20261130, "daily")).toEqual([
      { timestamp: "2026110300", views: 7 },
      { timestamp: "2026111700", views: 0 },
      { timestamp: "2026113000", views: 1_000_000_000 },
    ]);
    expect(buckets(selectedPairs("mobile-web", "spider"), 20261101, 20261130, "daily")[0]?.views).toBe(0);
    expect(buckets(selectedPairs("all-access", "spider"), 20261101, 20261130, "daily")[0]?.views).toBe(2);
    expect(buckets(selectedPairs("mobile-app", "automated"), 20261101, 20261130, "daily")[1]?.views).toBe(0);
  });

  it("keeps only the days in range, and sums them into one monthly bucket when any is in range", () => {
    expect(buckets(selectedPairs("all-access", "user"), 20261104, 20261129, "daily")).toEqual([
      { timestamp: "2026111700", views: 0 },
    ]);
    expect(buckets(selectedPairs("all-access", "user"), 20261101, 20261117, "monthly")).toEqual([
      { timestamp: "2026110100", views: 12 },
    ]);
    expect(buckets(selectedPairs("all-access", "user"), 20261118, 20261129, "monthly")).toEqual([]);
  });

  it("selects one pair per API access and agent, and all nine for all-access and all-agents", () => {
    expect(selectedPairs("all-access", "all-agents")).toBe(0b111_111_111);
    expect(selectedPairs("desktop", "user")).toBe(0b1);
    expect(selectedPairs("mobile-web", "automated")).toBe(1 << 8);
    expect(() => selectedPairs("tablet" as never, "user")).toThrow(RangeError);
  });
});
