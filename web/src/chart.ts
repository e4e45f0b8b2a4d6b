import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Granularity } from "./api.ts";
import { formatNumber } from "./dom.ts";

/**
 * Views over time drawn with uPlot: lines or grouped bars, on a linear or log scale, in UTC. The
 * container carries `data-series` and `data-points`, read from the drawn chart, for tests and tools.
 */

export const CHART_KINDS = ["line", "bar"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface ChartSeries {
  label: string;
  values: readonly number[];
}

export interface TimeChartOptions {
  kind: ChartKind;
  log: boolean;
  granularity: Granularity;
}

/** Tableau 10: distinguishable colours for the ten series a comparison allows. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
] as const;

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

const HEIGHT = { wide: 360, narrow: 260 } as const;

const DAY = 86_400;
/** uPlot's month and year (30 and 365 days): at these increments it puts ticks on the 1st of a month. */
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;
const DAY_INCREMENTS = [1, 2, 3, 7, 14].map((days) => days * DAY);
const MONTH_INCREMENTS = [MONTH, 2 * MONTH, 3 * MONTH, 6 * MONTH, YEAR, 2 * YEAR, 5 * YEAR];
const dayTick = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const monthTick = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });

/** Draws the chart into `container`; answers a function that removes it. */
export function drawTimeChart(
  container: HTMLElement,
  buckets: readonly string[],
  series: readonly ChartSeries[],
  options: TimeChartOptions,
): () => void {
  const x = buckets.map(bucketSeconds);
  // A log scale has no place for 0: those points are left out (the table still shows them).
  const ys = series.map((s) => s.values.map((value) => (options.log && value <= 0 ? null : value)));
  const slot = slotSeconds(x, options.granularity);
  const plot = new uPlot(
    {
      width: widthOf(container),
      height: heightOf(container),
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
      scales: {
        x: { time: true, range: (_u, min, max) => [min - slot / 2, max + slot / 2] },
        y: options.log ? { distr: 3, log: 10 } : { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.05] },
      },
      axes: [
        {
          incrs:
            options.granularity === "daily" ? [...DAY_INCREMENTS, ...MONTH_INCREMENTS] : MONTH_INCREMENTS,
          values: (_u, ticks, _axis, _space, increment) =>
            ticks.map((tick) => (increment < MONTH ? dayTick : monthTick).format(tick * 1000)),
        },
        // On a log scale uPlot leaves some ticks unlabelled: it passes them as null.
        { values: (_u, ticks) => ticks.map((tick) => (tick === null ? "" : formatNumber(tick))), size: 60 },
      ],
      series: [
        {
          label: options.granularity === "daily" ? "Date" : "Month",
          value: (_u, seconds) => bucketLabel(seconds, options.granularity),
        },
        ...series.map((s, i) => seriesOptions(s.label, i, series.length, slot, options.kind)),
      ],
      legend: { live: true },
      cursor: { points: { size: 7 } },
    },
    [x, ...ys] as uPlot.AlignedData,
    container,
  );
  container.dataset.series = String(plot.data.length - 1);
  container.dataset.points = String(plot.data[0]?.length ?? 0);

  const resize = new ResizeObserver(() =>
    plot.setSize({ width: widthOf(container), height: heightOf(container) }),
  );
  resize.observe(container);
  return () => {
    resize.disconnect();
    plot.destroy();
    delete container.dataset.series;
    delete container.dataset.points;
  };
}

function seriesOptions(
  label: string,
  index: number,
  count: number,
  slot: number,
  kind: ChartKind,
): uPlot.Series {
  const color = seriesColor(index);
  const value = (_u: uPlot, views: number | null) => (views === null ? "–" : formatNumber(views));
  if (kind === "line") return { label, stroke: color, width: 2, value, points: { show: true, size: 5 } };
  // Bars of the series side by side in each bucket, together 80 % of the bucket's width.
  const group = slot * 0.8;
  const width = group / count;
  return {
    label,
    value,
    stroke: color,
    fill: `${color}cc`,
    width: 0,
    points: { show: false },
    paths: uPlot.paths.bars?.({
      disp: {
        x0: {
          unit: 1,
          values: (u) => (u.data[0] as number[]).map((seconds) => seconds - group / 2 + index * width),
        },
        size: { unit: 1, values: () => [width] },
      },
    }),
  };
}

/** The start of a `YYYY-MM-DD` day or a `YYYY-MM` month, in seconds since the epoch. */
function bucketSeconds(bucket: string): number {
  return Date.parse(bucket.length === 7 ? `${bucket}-01T00:00:00Z` : `${bucket}T00:00:00Z`) / 1000;
}

function bucketLabel(seconds: number | null, granularity: Granularity): string {
  if (seconds === null) return "";
  const iso = new Date(seconds * 1000).toISOString();
  return granularity === "daily" ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** The width of one bucket: a day, or the shortest month between points. */
function slotSeconds(x: readonly number[], granularity: Granularity): number {
  if (granularity === "daily") return DAY;
  let shortest = 31 * DAY;
  for (let i = 1; i < x.length; i++) shortest = Math.min(shortest, (x[i] as number) - (x[i - 1] as number));
  return shortest;
}

function widthOf(container: HTMLElement): number {
  return Math.max(280, container.clientWidth);
}

function heightOf(container: HTMLElement): number {
  return container.clientWidth < 600 ? HEIGHT.narrow : HEIGHT.wide;
}
