import type { Granularity, TimeItem } from "./api.ts";
import { bucketOfTimestamp, type DayRange, daysCovered, daysOf, wholeMonthsOf } from "./dates.ts";
import type { TableModel } from "./table-model.ts";

/**
 * Views over time of several things compared (articles, projects): every bucket of the range present,
 * zero where the API omitted it (it leaves out buckets without views), with totals and daily averages.
 * Pure, no DOM.
 */

export interface SeriesAnswer {
  label: string;
  /** null when the API answered "no data" for the whole range. */
  items: readonly TimeItem[] | null;
}

export interface Series {
  label: string;
  values: number[];
  total: number;
  dailyAverage: number;
  noData: boolean;
}

export interface TimeSeries {
  granularity: Granularity;
  /** `YYYY-MM-DD` for daily, `YYYY-MM` for monthly. */
  buckets: string[];
  series: Series[];
}

/** The buckets the API answers for a range: every day, or the months wholly inside it. */
export function bucketsOf(range: DayRange, granularity: Granularity): string[] {
  return granularity === "daily" ? daysOf(range) : wholeMonthsOf(range);
}

export function buildTimeSeries(
  answers: readonly SeriesAnswer[],
  range: DayRange,
  granularity: Granularity,
): TimeSeries {
  const buckets = bucketsOf(range, granularity);
  const days = daysCovered(buckets, granularity);
  const series = answers.map(({ label, items }) => {
    const byBucket = new Map<string, number>();
    for (const item of items ?? []) {
      const bucket = bucketOfTimestamp(item.timestamp, granularity);
      byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + item.views);
    }
    const values = buckets.map((bucket) => byBucket.get(bucket) ?? 0);
    const total = values.reduce((sum, views) => sum + views, 0);
    return {
      label,
      values,
      total,
      dailyAverage: roundTo1(days > 0 ? total / days : 0),
      noData: items === null,
    };
  });
  return { granularity, buckets, series };
}

/** One row per bucket, one column per series; the totals and daily averages beneath. */
export function timeSeriesTable(data: TimeSeries, caption: string): TableModel {
  return {
    caption,
    columns: [
      { label: data.granularity === "daily" ? "Date" : "Month", format: "text" },
      ...data.series.map((series) => ({ label: series.label, format: "number" as const })),
    ],
    rows: data.buckets.map((bucket, i) => [bucket, ...data.series.map((series) => series.values[i] ?? 0)]),
    footer: [
      ["Total", ...data.series.map((series) => series.total)],
      ["Daily average", ...data.series.map((series) => series.dailyAverage)],
    ],
  };
}

function roundTo1(value: number): number {
  return Math.round(value * 10) / 10;
}
