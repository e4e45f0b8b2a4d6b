/**
 * When requests happen: a daily curve in UTC, the number of requests in each hour, and their spread over
 * the seconds of the hour.
 */

import type { Random } from "./random.ts";

/**
 * Relative traffic at a time of day (UTC hours, fractional). Global Wikipedia traffic peaks in the
 * European evening / American afternoon and bottoms out in the early UTC morning; this curve peaks near
 * 15:00 and is about 2.5 times lower at 03:00. Its mean over a day is 1.
 */
export function diurnalWeight(hourOfDay: number): number {
  return (
    1 +
    0.42 * Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24) +
    0.06 * Math.cos((4 * Math.PI * (hourOfDay - 19)) / 24)
  );
}

export interface HourPlan {
  /** First second of the hour, since the epoch. */
  readonly start: number;
  readonly requests: number;
}

/** Either an exact number of lines over the whole span, or an average rate in requests per second. */
export type Volume = { readonly lines: number } | { readonly rate: number };

/**
 * The hours from `start` and how many requests each gets. Lines are shared out by the largest-remainder
 * method, so the total is exact; a rate gives each hour rate × 3600 × the curve at mid-hour.
 */
export function planHours(startSecond: number, hours: number, volume: Volume): HourPlan[] {
  const weights = Array.from({ length: hours }, (_, i) => {
    const middle = startSecond + i * 3600 + 1800;
    return diurnalWeight((((middle % 86400) + 86400) % 86400) / 3600);
  });
  const starts = weights.map((_, i) => startSecond + i * 3600);
  if ("rate" in volume) {
    return weights.map((w, i) => ({
      start: starts[i] as number,
      requests: Math.round(volume.rate * 3600 * w),
    }));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (volume.lines * w) / total);
  const counts = exact.map(Math.floor);
  let missing = volume.lines - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((_, i) => i)
    .sort((a, b) => {
      const d = ((exact[b] as number) % 1) - ((exact[a] as number) % 1);
      return d !== 0 ? d : a - b;
    });
  for (const i of byRemainder) {
    if (missing === 0) break;
    counts[i] = (counts[i] as number) + 1;
    missing--;
  }
  return counts.map((requests, i) => ({ start: starts[i] as number, requests }));
}

/** Spreads `count` requests uniformly at random over the 3600 seconds of an hour. */
export function spreadOverSeconds(count: number, random: Random, perSecond: Uint32Array): void {
  perSecond.fill(0);
  for (let i = 0; i < count; i++) {
    const second = random.int(3600);
    perSecond[second] = (perSecond[second] as number) + 1;
  }
}
