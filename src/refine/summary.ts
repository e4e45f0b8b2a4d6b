import { MalformedTally } from "../sources/malformed-tally.ts";
import type { RefinedRecord } from "./refine.ts";

/** Counts what a refine run saw, for the summary printed at the end and the progress line. */
export class RefineSummary {
  linesRead = 0;
  requests = 0;
  pageviews = 0;
  redirectsToPageview = 0;
  readonly pageviewsByAgent = new Map<string, number>();
  readonly pageviewsByAccess = new Map<string, number>();
  /** Requests that are not pageviews, by the rule that rejected them. */
  readonly rejectsByRule = new Map<string, number>();
  readonly malformed = new MalformedTally();
  private readonly startedAt = performance.now();

  /** `decidingRules` as the refiner gives them: for a rejection, the rule that failed comes first. */
  addRecord(record: RefinedRecord, decidingRules: readonly string[]): void {
    this.linesRead++;
    this.requests++;
    if (record.is_pageview) {
      this.pageviews++;
      increment(this.pageviewsByAgent, record.agent_type);
      increment(this.pageviewsByAccess, record.access_method);
    } else if (record.is_redirect_to_pageview) {
      this.redirectsToPageview++;
    } else {
      increment(this.rejectsByRule, decidingRules[0] ?? "unknown");
    }
  }

  addMalformed(reason: string, where: string): void {
    this.linesRead++;
    this.malformed.add(reason, where);
  }

  elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  format(): string {
    const seconds = this.elapsedSeconds();
    const rate = seconds > 0 ? Math.round(this.linesRead / seconds) : 0;
    const lines = [
      `lines read: ${this.linesRead}  (${rate.toLocaleString("en-US")} lines/s, ${seconds.toFixed(2)} s)`,
      `requests: ${this.requests}`,
      `pageviews: ${this.pageviews}${formatCounts(this.pageviewsByAgent)}`,
      `pageviews by access method:${formatCounts(this.pageviewsByAccess)}`,
      `redirects to a pageview: ${this.redirectsToPageview}`,
      `not pageviews, by deciding rule:${formatCounts(this.rejectsByRule)}`,
      `malformed lines: ${this.malformed.total}`,
      ...this.malformed.formatLines(),
    ];
    return `${lines.join("\n")}\n`;
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sortedByCount(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** `\n  key: count` lines, largest first; `whenEmpty` when there is nothing to list. */
export function formatCounts(counts: ReadonlyMap<string, number>, whenEmpty = ""): string {
  if (counts.size === 0) return whenEmpty;
  return sortedByCount(counts)
    .map(([key, count]) => `\n  ${key}: ${count}`)
    .join("");
}
