import { type Access, type Agent, type Granularity, NoDataError, type TimeItem } from "../api.ts";
import { type ChartKind, drawTimeChart } from "../chart.ts";
import type { DayRange } from "../dates.ts";
import { h } from "../dom.ts";
import type { Message, Outcome } from "../results.ts";
import { bucketsOf, buildTimeSeries, type SeriesAnswer, timeSeriesTable } from "../time-series.ts";

/** What the views have in common: the API's choices as form options, and time-series answers. */

export const ACCESS_CHOICES: readonly (readonly [Access, string])[] = [
  ["all-access", "All access methods"],
  ["desktop", "Desktop"],
  ["mobile-web", "Mobile web"],
  ["mobile-app", "Mobile app"],
];

export const AGENT_CHOICES: readonly (readonly [Agent, string])[] = [
  ["user", "Users"],
  ["all-agents", "All agents"],
  ["spider", "Spiders"],
  ["automated", "Automated"],
];

export const GRANULARITY_CHOICES: readonly (readonly [Granularity, string])[] = [
  ["daily", "Daily"],
  ["monthly", "Monthly"],
];

export const CHART_CHOICES: readonly (readonly [ChartKind, string])[] = [
  ["line", "Line"],
  ["bar", "Bar"],
];

export function viewHeader(title: string, intro: string): HTMLElement {
  return h("header", { class: "view-header" }, h("h2", {}, title), h("p", {}, intro));
}

/** The items, or null for the API's "no data": one thing compared without data does not fail the rest. */
export async function itemsOrNoData(request: Promise<TimeItem[]>): Promise<TimeItem[] | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof NoDataError) return null;
    throw error;
  }
}

/** Requests the API cannot answer, caught before asking it. */
export function rangeProblem(range: DayRange, granularity: Granularity): Message | null {
  if (range.start > range.end) return { message: "The start date is after the end date." };
  if (granularity === "monthly" && bucketsOf(range, granularity).length === 0)
    return { message: "Monthly views need at least one whole month between the dates." };
  return null;
}

/** Several series compared over time: the chart, and the table with totals and daily averages. */
export function timeSeriesOutcome(
  answers: readonly SeriesAnswer[],
  query: { range: DayRange; granularity: Granularity; chart: ChartKind; log: boolean; caption: string },
): Outcome {
  if (answers.every((answer) => answer.items === null)) throw new NoDataError("");
  const data = buildTimeSeries(answers, query.range, query.granularity);
  const missing = answers.filter((answer) => answer.items === null).map((answer) => answer.label);
  return {
    table: timeSeriesTable(data, query.caption),
    notes: missing.length > 0 ? [`No data for these dates: ${missing.join(", ")} (shown as 0).`] : [],
    draw: (container) =>
      drawTimeChart(container, data.buckets, data.series, {
        kind: query.chart,
        log: query.log,
        granularity: query.granularity,
      }),
  };
}

export function describeFilters(access: Access, agent: Agent): string {
  return `${access}, ${agent}`;
}
