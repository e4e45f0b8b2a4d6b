import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_FACTORIES } from "../../test/support/store-factories.ts";
import type { AccessMethod } from "../definition/types.ts";
import { Random } from "../generate/random.ts";
import { pageviewRow, processedHour, randomPageviews } from "./store.fixtures.ts";
import {
  ALL_PROJECTS,
  type ApiAccess,
  type ApiAgent,
  type CountryArticle,
  type CountryViews,
  type Granularity,
  type PageviewHourlyRow,
  type PerArticleQuery,
  type SeriesQuery,
  type Store,
  type TopArticle,
  type ViewsAt,
} from "./store.ts";

/** The expected values, computed here in plain JS from the rows given to replaceHour. */
type Hours = Map<string, readonly PageviewHourlyRow[]>;

const ACCESSES: readonly ApiAccess[] = ["all-access", "desktop", "mobile-app", "mobile-web"];
const AGENTS: readonly ApiAgent[] = ["all-agents", "user", "spider", "automated"];
const GRANULARITIES: readonly Granularity[] = ["hourly", "daily", "monthly"];
const ACCESS_METHOD: Record<ApiAccess, AccessMethod | undefined> = {
  "all-access": undefined,
  desktop: "desktop",
  "mobile-app": "mobile app",
  "mobile-web": "mobile web",
};

function* rowsOf(hours: Hours): Generator<[string, PageviewHourlyRow]> {
  for (const [hour, rows] of hours) for (const row of rows) yield [hour, row];
}

function accessMatches(row: PageviewHourlyRow, access: ApiAccess): boolean {
  return access === "all-access" || row.access_method === ACCESS_METHOD[access];
}

function agentMatches(row: PageviewHourlyRow, agent: ApiAgent): boolean {
  return agent === "all-agents" || row.agent_type === agent;
}

/** The API timestamp of the bucket an hour falls in. */
function bucketOf(hour: string, granularity: Granularity): string {
  if (granularity === "hourly") return hour;
  return granularity === "daily" ? `${hour.slice(0, 8)}00` : `${hour.slice(0, 6)}0100`;
}

function sortedSeries(sums: Map<string, number>): ViewsAt[] {
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([timestamp, views]) => ({ timestamp, views }));
}

/** Buckets where the article had any views; monthly ones sum the days whose timestamp is in range. */
function expectedPerArticle(hours: Hours, q: PerArticleQuery): ViewsAt[] {
  const sums = new Map<string, number>();
  for (const [hour, row] of rowsOf(hours)) {
    if (row.project !== q.project || row.article !== q.article) continue;
    const inRange = bucketOf(hour, q.granularity === "monthly" ? "daily" : q.granularity);
    if (inRange < q.from || inRange > q.to) continue;
    const bucket = bucketOf(hour, q.granularity);
    const views = accessMatches(row, q.access) && agentMatches(row, q.agent) ? row.views : 0;
    sums.set(bucket, (sums.get(bucket) ?? 0) + views);
  }
  return sortedSeries(sums);
}

/** Buckets with matching views only. */
function expectedAggregate(hours: Hours, q: SeriesQuery): ViewsAt[] {
  const sums = new Map<string, number>();
  for (const [hour, row] of rowsOf(hours)) {
    if (q.project !== ALL_PROJECTS && row.project !== q.project) continue;
    if (!accessMatches(row, q.access) || !agentMatches(row, q.agent)) continue;
    const bucket = bucketOf(hour, q.granularity);
    if (bucket < q.from || bucket > q.to) continue;
    sums.set(bucket, (sums.get(bucket) ?? 0) + row.views);
  }
  return sortedSeries(sums);
}

/**
 * Wikimedia's ranking, literally: rank() by views, then keep the rows ranked below the rank of row
 * number 1001 (all of them when there are at most 1000).
 */
function rankAndCut<T extends { views: number }>(
  entries: T[],
  limit: number | null,
): (T & { rank: number })[] {
  const sorted = [...entries].sort((a, b) => b.views - a.views);
  const ranked: (T & { rank: number })[] = [];
  sorted.forEach((entry, i) => {
    const previous = ranked[i - 1];
    ranked.push({
      ...entry,
      rank: previous !== undefined && previous.views === entry.views ? previous.rank : i + 1,
    });
  });
  if (limit === null) return ranked;
  const cutRank = ranked[limit]?.rank ?? limit + 1;
  return ranked.filter((entry) => entry.rank < cutRank);
}

function sumBy<K extends string>(
  rows: Iterable<[string, PageviewHourlyRow]>,
  keep: (hour: string, row: PageviewHourlyRow) => boolean,
  keyOf: (row: PageviewHourlyRow) => K,
): Map<K, number> {
  const sums = new Map<K, number>();
  for (const [hour, row] of rows) {
    if (keep(hour, row)) sums.set(keyOf(row), (sums.get(keyOf(row)) ?? 0) + row.views);
  }
  return sums;
}

function expectedTop(
  hours: Hours,
  project: string,
  access: ApiAccess,
  period: string,
  { agent = "user", toDay }: { agent?: ApiAgent; toDay?: string } = {},
): TopArticle[] {
  const inPeriod = (hour: string) =>
    toDay === undefined ? hour.startsWith(period) : hour.slice(0, 8) >= period && hour.slice(0, 8) <= toDay;
  const sums = sumBy(
    rowsOf(hours),
    (hour, row) =>
      inPeriod(hour) &&
      row.project === project &&
      row.article !== "-" &&
      accessMatches(row, access) &&
      agentMatches(row, agent),
    (row) => row.article,
  );
  return rankAndCut(
    [...sums].map(([article, views]) => ({ article, views })),
    1000,
  ).sort((a, b) => a.rank - b.rank || a.article.localeCompare(b.article));
}

function expectedTopByCountry(
  hours: Hours,
  project: string,
  access: ApiAccess,
  month: string,
): CountryViews[] {
  const sums = sumBy(
    rowsOf(hours),
    (hour, row) =>
      hour.startsWith(month) &&
      (project === ALL_PROJECTS || row.project === project) &&
      row.agent_type === "user" &&
      accessMatches(row, access),
    (row) => row.country_code,
  );
  const countries = [...sums]
    .filter(([, views]) => views > 99)
    .map(([country, views]) => ({ country, views }));
  return rankAndCut(countries, null)
    .map(({ country, views, rank }) => ({ country, viewsCeil: Math.ceil(views / 1000) * 1000, rank }))
    .sort((a, b) => a.rank - b.rank || a.country.localeCompare(b.country));
}

function expectedTopPerCountry(
  hours: Hours,
  country: string,
  access: ApiAccess,
  day: string,
): CountryArticle[] {
  const sums = sumBy(
    rowsOf(hours),
    (hour, row) =>
      hour.startsWith(day) &&
      country !== "--" &&
      row.country_code === country &&
      row.agent_type === "user" &&
      row.article !== "-" &&
      accessMatches(row, access),
    (row) => `${row.project}\t${row.article}`,
  );
  const articles = [...sums].map(([key, views]) => {
    const [project = "", article = ""] = key.split("\t");
    return { project, article, views };
  });
  return rankAndCut(articles, 1000).sort(
    (a, b) => a.rank - b.rank || a.project.localeCompare(b.project) || a.article.localeCompare(b.article),
  );
}

describe.each(STORE_FACTORIES)("serving tables of $name", (factory) => {
  let store: Store;
  beforeEach(async (context) => {
    if (factory.skip !== null) context.skip(factory.skip);
    store = await factory.open();
  });
  afterEach(async () => {
    await store?.close();
  });

  async function load(hours: Hours): Promise<void> {
    for (const [hour, rows] of hours) await store.replaceHour(processedHour(hour, rows));
    await store.refreshServing([...new Set([...hours.keys()].map((hour) => hour.slice(0, 8)))]);
  }

  /** Compares every read with its JS counterpart, over two months, three days, ties and `-`. */
  async function expectReadsToMatch(hours: Hours): Promise<void> {
    const ranges = [
      { from: "2026010100", to: "2026123123" },
      { from: "2026020100", to: "2026020123" },
      { from: "2026013123", to: "2026020200" },
    ];
    for (const access of ACCESSES) {
      for (const agent of AGENTS) {
        for (const granularity of GRANULARITIES) {
          for (const range of ranges) {
            for (const project of ["en.wikipedia", "commons.wikimedia", ALL_PROJECTS, "nowhere"]) {
              const q = { project, access, agent, granularity, ...range };
              expect(await store.aggregate(q), JSON.stringify(q)).toEqual(expectedAggregate(hours, q));
            }
            for (const article of ["Article_1", "Article_7", "-", "Missing"]) {
              const q = { project: "de.wikipedia", article, access, agent, granularity, ...range };
              expect(await store.perArticle(q), JSON.stringify(q)).toEqual(expectedPerArticle(hours, q));
            }
          }
        }
      }
      for (const project of ["en.wikipedia", "de.wikipedia", ALL_PROJECTS]) {
        for (const day of ["20260131", "20260201", "20260202"]) {
          expect(await store.top({ project, access, day })).toEqual(expectedTop(hours, project, access, day));
        }
        for (const month of ["202601", "202602"]) {
          expect(await store.top({ project, access, month })).toEqual(
            expectedTop(hours, project, access, month),
          );
          expect(await store.topByCountry({ project, access, month })).toEqual(
            expectedTopByCountry(hours, project, access, month),
          );
        }
      }
      for (const agent of AGENTS) {
        for (const [fromDay, toDay] of [
          ["20260131", "20260202"],
          ["20260201", "20260201"],
          ["20260203", "20260210"],
        ] as const) {
          const q = { project: "de.wikipedia", access, agent, fromDay, toDay };
          expect(await store.topOfRange(q), JSON.stringify(q)).toEqual(
            expectedTop(hours, q.project, access, fromDay, { agent, toDay }),
          );
        }
      }
      for (const country of ["US", "JP", "--", "ZZ"]) {
        for (const day of ["20260131", "20260201"]) {
          expect(await store.topPerCountry({ country, access, day })).toEqual(
            expectedTopPerCountry(hours, country, access, day),
          );
        }
      }
    }
  }

  function randomHours(seed: number): Hours {
    const random = new Random(seed);
    const hours: Hours = new Map();
    for (const hour of ["2026013122", "2026013123", "2026020100", "2026020113", "2026020223"]) {
      hours.set(hour, randomPageviews(random, 600));
    }
    return hours;
  }

  it("match sums computed from the rows, for every access, agent, granularity and project", async () => {
    const hours = randomHours(1);
    await load(hours);
    expect(expectedTopByCountry(hours, ALL_PROJECTS, "all-access", "202602").length).toBeGreaterThan(2);
    await expectReadsToMatch(hours);
  });

  it("follow a replaced hour once its day is refreshed, and are unchanged by compaction", async () => {
    const hours = randomHours(2);
    await load(hours);
    const replacement = randomPageviews(new Random(3), 300);
    hours.set("2026020113", replacement);
    hours.delete("2026013123");
    await store.replaceHour(processedHour("2026020113", replacement));
    await store.replaceHour(processedHour("2026013123", []));
    await store.refreshServing(["20260201", "20260131"]);
    await store.compact();
    await expectReadsToMatch(hours);
  });

  it("cut the top list where row 1001 would start, dropping a tie that straddles it, and skip `-`", async () => {
    const rows: PageviewHourlyRow[] = [pageviewRow({ article: "-", views: 1_000_000, country_code: "US" })];
    // en: positions 998 to 1003 tie, so row 1001 has rank 998 and only 997 rows stay.
    for (let i = 1; i <= 1010; i++) {
      const views = i < 998 ? 5000 - i : i <= 1003 ? 100 : 50 - (i - 1003);
      rows.push(pageviewRow({ article: `En_${i}`, views, country_code: "US" }));
    }
    // de: positions 999 and 1000 tie, row 1001 has fewer views, so 1000 rows stay.
    for (let i = 1; i <= 1005; i++) {
      const views = i < 999 ? 5000 - i : i <= 1000 ? 100 : 50 - i + 1000;
      rows.push(pageviewRow({ project: "de.wikipedia", article: `De_${i}`, views, country_code: "DE" }));
    }
    const hours: Hours = new Map([["2026020305", rows]]);
    await load(hours);

    const en = await store.top({ project: "en.wikipedia", access: "all-access", day: "20260203" });
    expect(en).toHaveLength(997);
    expect(en.at(-1)).toEqual({ article: "En_997", views: 4003, rank: 997 });
    const de = await store.top({ project: "de.wikipedia", access: "desktop", month: "202602" });
    expect(de).toHaveLength(1000);
    expect(de.slice(-2)).toEqual([
      { article: "De_1000", views: 100, rank: 999 },
      { article: "De_999", views: 100, rank: 999 },
    ]);
    expect(await store.topPerCountry({ country: "US", access: "desktop", day: "20260203" })).toHaveLength(
      997,
    );
    expect(await store.topPerCountry({ country: "DE", access: "all-access", day: "20260203" })).toHaveLength(
      1000,
    );
    expect(en).toEqual(expectedTop(hours, "en.wikipedia", "all-access", "20260203"));
  });

  it("report the latest processed hour, and each project's first and last hour with views", async () => {
    expect(await store.availability()).toEqual({ lastCompleteHour: null, projects: [] });
    await load(
      new Map([
        ["2026020223", [pageviewRow({ project: "de.wikipedia" })]],
        ["2026020300", [pageviewRow({ project: "de.wikipedia" })]],
        ["2026020305", [pageviewRow({ project: "en.wikipedia" })]],
        ["2026020306", []],
      ]),
    );
    expect(await store.availability()).toEqual({
      lastCompleteHour: "2026020306",
      projects: [
        { project: ALL_PROJECTS, firstHour: "2026020223", lastHour: "2026020305" },
        { project: "de.wikipedia", firstHour: "2026020223", lastHour: "2026020300" },
        { project: "en.wikipedia", firstHour: "2026020305", lastHour: "2026020305" },
      ],
    });
  });
});
