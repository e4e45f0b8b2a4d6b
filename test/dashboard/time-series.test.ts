import { describe, expect, it } from "vitest";
import { buildTimeSeries, timeSeriesTable } from "../../web/src/time-series.ts";

describe("time series of the dashboard", () => {
  const range = { start: "2026-01-30", end: "2026-02-02" };

  it("shows every day of the range, 0 where the API left a day out", () => {
    const data = buildTimeSeries(
      [
        {
          label: "A",
          items: [
            { timestamp: "2026013000", views: 5 },
            { timestamp: "2026020100", views: 2 },
          ],
        },
        { label: "B", items: null },
      ],
      range,
      "daily",
    );
    expect(data.buckets).toEqual(["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]);
    expect(data.series[0]).toEqual({
      label: "A",
      values: [5, 0, 2, 0],
      total: 7,
      dailyAverage: 1.8,
      noData: false,
    });
    expect(data.series[1]).toMatchObject({ values: [0, 0, 0, 0], total: 0, noData: true });
  });

  it("averages monthly views over the days of the months shown", () => {
    const data = buildTimeSeries(
      [{ label: "A", items: [{ timestamp: "2026020100", views: 280 }] }],
      { start: "2026-01-01", end: "2026-02-28" },
      "monthly",
    );
    expect(data.buckets).toEqual(["2026-01", "2026-02"]);
    expect(data.series[0]?.values).toEqual([0, 280]);
    expect(data.series[0]?.dailyAverage).toBe(Math.round((280 / 59) * 10) / 10);
  });

  it("tabulates a row per bucket and a column per series, totals and averages beneath", () => {
    const data = buildTimeSeries(
      [{ label: "A", items: [{ timestamp: "2026013100", views: 3 }] }],
      range,
      "daily",
    );
    const table = timeSeriesTable(data, "caption");
    expect(table.columns.map((column) => column.label)).toEqual(["Date", "A"]);
    expect(table.rows).toEqual([
      ["2026-01-30", 0],
      ["2026-01-31", 3],
      ["2026-02-01", 0],
      ["2026-02-02", 0],
    ]);
    expect(table.footer).toEqual([
      ["Total", 3],
      ["Daily average", 0.8],
    ]);
  });
});
