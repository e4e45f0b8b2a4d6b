import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_FACTORIES } from "../../test/support/store-factories.ts";
import { Random } from "../generate/random.ts";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import { actorMetricsRow, pageviewRow, processedHour, randomPageviews } from "./store.fixtures.ts";
import {
  ALL_PROJECTS,
  type ApiAccess,
  type ApiAgent,
  type HourPart,
  type PageviewHourlyRow,
  type Store,
} from "./store.ts";

/** Shards' shares of an hour (replaceHourPart), on every Store implementation. */

const HOUR = "2026020310";
const DAY = "20260203";

function share(
  index: number,
  count: number,
  rows: readonly PageviewHourlyRow[],
  extra: { hour?: string; actorMetrics?: ActorHourlyMetrics[]; fingerprint?: string; version?: string } = {},
): HourPart {
  const hour = extra.hour ?? HOUR;
  const processed = processedHour(hour, rows, {
    actorMetrics: extra.actorMetrics,
    automatedActors: extra.actorMetrics?.map((m) => ({
      actorSignature: m.actorSignature,
      reasons: { pageview: "more than 800 req" },
    })),
    fingerprint: extra.fingerprint ?? `raw-${hour}-${index}`,
  });
  processed.report.definitionVersion = extra.version ?? "test-1";
  processed.report.processedAt = new Date(Date.UTC(2026, 1, 3, 11, index));
  return { shard: { index, count }, processed };
}

/**
 * Random rows of an hour split into two shares: some rows only in one share, the rest with their
 * views split between both (shards see different actors reading the same page).
 */
function splitRows(
  random: Random,
  rows: readonly PageviewHourlyRow[],
): [PageviewHourlyRow[], PageviewHourlyRow[]] {
  const first: PageviewHourlyRow[] = [];
  const second: PageviewHourlyRow[] = [];
  for (const row of rows) {
    const where = random.int(3);
    if (row.views > 1 && where === 2) {
      const firstViews = 1 + random.int(row.views - 1);
      first.push({ ...row, views: firstViews });
      second.push({ ...row, views: row.views - firstViews });
    } else (where === 0 ? first : second).push(row);
  }
  return [first, second];
}

async function viewsOf(store: Store, article: string): Promise<number | undefined> {
  const series = await store.perArticle({
    project: "en.wikipedia",
    article,
    access: "all-access",
    agent: "all-agents",
    granularity: "hourly",
    from: HOUR,
    to: HOUR,
  });
  return series[0]?.views;
}

/** What the API reads of the hour's day, through every kind of read. */
async function readsOfDay(store: Store): Promise<unknown[]> {
  const reads: unknown[] = [await store.availability()];
  const accesses: ApiAccess[] = ["all-access", "desktop", "mobile-web", "mobile-app"];
  const agents: ApiAgent[] = ["all-agents", "user", "spider", "automated"];
  for (const access of accesses) {
    for (const agent of agents) {
      for (const project of ["en.wikipedia", "de.wikipedia", ALL_PROJECTS]) {
        for (const granularity of ["hourly", "daily"] as const) {
          reads.push(await store.aggregate({ project, access, agent, granularity, from: HOUR, to: HOUR }));
        }
      }
      for (const article of ["Article_3", "Article_17", "-"]) {
        reads.push(
          await store.perArticle({
            project: "en.wikipedia",
            article,
            access,
            agent,
            granularity: "daily",
            from: `${DAY}00`,
            to: `${DAY}00`,
          }),
        );
      }
    }
    reads.push(await store.top({ project: "en.wikipedia", access, day: DAY }));
    reads.push(await store.topByCountry({ project: ALL_PROJECTS, access, month: DAY.slice(0, 6) }));
    reads.push(await store.topPerCountry({ country: "US", access, day: DAY }));
  }
  return reads;
}

describe.each(STORE_FACTORIES)("$name", (factory) => {
  const stores: Store[] = [];
  async function open(): Promise<Store> {
    const store = await factory.open();
    stores.push(store);
    return store;
  }
  beforeEach(async (context) => {
    if (factory.skip !== null) context.skip(factory.skip);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it("sums the shares of two shards into what one replaceHour of the summed rows gives", async () => {
    const random = new Random(8);
    const rows = randomPageviews(random, 400);
    const [first, second] = splitRows(random, rows);
    const keyOf = (row: PageviewHourlyRow) => JSON.stringify({ ...row, views: 0 });
    const firstKeys = new Set(first.map(keyOf));
    expect(second.filter((row) => firstKeys.has(keyOf(row))).length).toBeGreaterThan(50);

    const fromShares = await open();
    expect(await fromShares.replaceHourPart(share(1, 2, second))).toBe(false);
    expect(await fromShares.replaceHourPart(share(0, 2, first))).toBe(true);
    await fromShares.refreshServing([DAY]);
    const whole = await open();
    await whole.replaceHour(processedHour(HOUR, rows));
    await whole.refreshServing([DAY]);

    expect(await readsOfDay(fromShares)).toEqual(await readsOfDay(whole));
    const state = (await fromShares.hourStates()).get(HOUR);
    const [report0, report1] = [share(0, 2, first).processed.report, share(1, 2, second).processed.report];
    expect(state).toEqual({
      hour: HOUR,
      definitionVersion: "test-1",
      rawFingerprint: expect.stringMatching(/^shards-2:[0-9a-f]{16}$/),
      rawLines: report0.rawLines + report1.rawLines,
      distinctLines: report0.distinctLines + report1.distinctLines,
      malformedLines: 4,
      processedAt: report1.processedAt,
      pageviews: rows.reduce((sum, row) => sum + row.views, 0),
    });
  });

  it("leaves the hour as it was until every shard has a share", async () => {
    const store = await open();
    await store.replaceHour(processedHour(HOUR, [pageviewRow({ article: "Old", views: 5 })]));
    const before = await store.hourStates();

    expect(await store.replaceHourPart(share(0, 3, [pageviewRow({ article: "New", views: 1 })]))).toBe(false);
    expect(await store.replaceHourPart(share(2, 3, [pageviewRow({ article: "New", views: 2 })]))).toBe(false);
    expect(await store.hourStates()).toEqual(before);
    expect(await viewsOf(store, "Old")).toBe(5);
    expect(await viewsOf(store, "New")).toBeUndefined();

    expect(await store.replaceHourPart(share(1, 3, [pageviewRow({ article: "New", views: 4 })]))).toBe(true);
    expect(await viewsOf(store, "Old")).toBeUndefined();
    expect(await viewsOf(store, "New")).toBe(7);
    expect((await store.hourStates()).get(HOUR)?.pageviews).toBe(7);
  });

  it("sums the hour again when a shard's share is replaced after it was complete", async () => {
    const store = await open();
    await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 3 })], { fingerprint: "a" }));
    await store.replaceHourPart(share(1, 2, [pageviewRow({ views: 4 })], { fingerprint: "b" }));
    const complete = (await store.hourStates()).get(HOUR);
    expect(await viewsOf(store, "Cat")).toBe(7);

    const again = [pageviewRow({ views: 10 }), pageviewRow({ article: "Dog", views: 1 })];
    expect(await store.replaceHourPart(share(1, 2, again, { fingerprint: "c" }))).toBe(true);
    expect(await viewsOf(store, "Cat")).toBe(13);
    expect(await viewsOf(store, "Dog")).toBe(1);
    const state = (await store.hourStates()).get(HOUR);
    expect(state?.pageviews).toBe(14);
    expect(state?.rawFingerprint).not.toBe(complete?.rawFingerprint);

    // The same shares again give the same hour: completing is idempotent.
    expect(await store.replaceHourPart(share(1, 2, again, { fingerprint: "c" }))).toBe(true);
    expect(await viewsOf(store, "Cat")).toBe(13);
    expect((await store.hourStates()).get(HOUR)).toEqual(state);
  });

  it("discards the shares of another shard count, with their actor data", async () => {
    const store = await open();
    const actor = (signature: string) => [actorMetricsRow(HOUR, { actorSignature: signature })];
    await store.replaceHourPart(
      share(0, 3, [pageviewRow({ views: 100 })], { actorMetrics: actor("three-0") }),
    );
    await store.replaceHourPart(
      share(1, 3, [pageviewRow({ views: 100 })], { actorMetrics: actor("three-1") }),
    );

    expect(
      await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 1 })], { actorMetrics: actor("two-0") })),
    ).toBe(false);
    expect((await store.hourPartStates({ index: 0, count: 3 })).size).toBe(0);
    expect((await store.hourPartStates({ index: 1, count: 3 })).size).toBe(0);
    expect((await store.actorMetrics(HOUR, HOUR)).map((m) => m.actorSignature)).toEqual(["two-0"]);

    expect(await store.replaceHourPart(share(1, 2, [pageviewRow({ views: 2 })]))).toBe(true);
    expect(await viewsOf(store, "Cat")).toBe(3);
    // A late share of the old count discards the new count's shares in turn, and completes nothing.
    expect(await store.replaceHourPart(share(2, 3, [pageviewRow({ views: 100 })]))).toBe(false);
    expect((await store.hourPartStates({ index: 0, count: 2 })).size).toBe(0);
    expect(await viewsOf(store, "Cat")).toBe(3);
  });

  it("drops every share of an hour that replaceHour writes whole", async () => {
    const store = await open();
    const actor = (signature: string) => [actorMetricsRow(HOUR, { actorSignature: signature })];
    await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 1 })], { actorMetrics: actor("part-0") }));
    await store.replaceHourPart(share(1, 2, [pageviewRow({ views: 2 })], { actorMetrics: actor("part-1") }));
    await store.replaceHour(
      processedHour(HOUR, [pageviewRow({ views: 9 })], { actorMetrics: actor("whole"), fingerprint: "w" }),
    );

    expect(await store.hourPartStates({ index: 0, count: 2 })).toEqual(new Map());
    expect((await store.actorMetrics(HOUR, HOUR)).map((m) => m.actorSignature)).toEqual(["whole"]);
    // Share 1 went with the rest: share 0 alone does not complete the hour.
    expect(await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 1 })]))).toBe(false);
    expect(await viewsOf(store, "Cat")).toBe(9);
    expect((await store.hourStates()).get(HOUR)?.rawFingerprint).toBe("w");
  });

  it("makes a share's actor metrics readable at once, and replaces only its shard's", async () => {
    const store = await open();
    const metrics = (signature: string, count: number) => [
      actorMetricsRow(HOUR, { actorSignature: signature, pageviewCount: count }),
    ];
    await store.replaceHourPart(share(0, 2, [], { actorMetrics: metrics("a", 1) }));
    await store.replaceHourPart(share(1, 2, [], { actorMetrics: metrics("b", 2) }));
    await store.replaceHourPart(share(0, 2, [], { actorMetrics: metrics("a", 3) }));

    const read = await store.actorMetrics(HOUR, HOUR);
    expect(read.map((m) => `${m.actorSignature}:${m.pageviewCount}`).sort()).toEqual(["a:3", "b:2"]);
    expect(await store.actorMetrics(HOUR, HOUR, ["a"])).toEqual(metrics("a", 3));
  });

  it("reports each shard's shares by hour, with the share's own views", async () => {
    const store = await open();
    const hours = ["2026020308", "2026020309"];
    for (const hour of hours) {
      await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 3 })], { hour }));
    }
    await store.replaceHourPart(share(1, 2, [pageviewRow({ views: 5 })], { hour: hours[1] }));

    const zero = await store.hourPartStates({ index: 0, count: 2 });
    expect([...zero.keys()]).toEqual(hours);
    const { report } = share(0, 2, [pageviewRow({ views: 3 })], { hour: "2026020308" }).processed;
    expect(zero.get("2026020308")).toEqual({ hour: "2026020308", ...report, pageviews: 3 });
    const one = await store.hourPartStates({ index: 1, count: 2 });
    expect([...one.values()].map((s) => [s.hour, s.pageviews, s.rawFingerprint])).toEqual([
      ["2026020309", 5, "raw-2026020309-1"],
    ]);
    expect(await store.hourPartStates({ index: 0, count: 1 })).toEqual(new Map());
  });

  it("completes an hour only from shares of one definition version", async () => {
    const store = await open();
    await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 3 })], { version: "v1" }));
    expect(await store.replaceHourPart(share(1, 2, [pageviewRow({ views: 4 })], { version: "v2" }))).toBe(
      false,
    );
    expect(await store.hourStates()).toEqual(new Map());

    expect(await store.replaceHourPart(share(0, 2, [pageviewRow({ views: 3 })], { version: "v2" }))).toBe(
      true,
    );
    expect((await store.hourStates()).get(HOUR)?.definitionVersion).toBe("v2");
    expect(await viewsOf(store, "Cat")).toBe(7);
  });

  it("purges the shares and their actor data before the boundary, and keeps the hours they made", async () => {
    const store = await open();
    const hours = ["2026020300", "2026020301", "2026020302"];
    for (const hour of hours) {
      for (const index of [0, 1]) {
        const rows = [pageviewRow({ views: 1 + index }), pageviewRow({ article: `Page_${index}` })];
        const actorMetrics = [actorMetricsRow(hour, { actorSignature: `actor-${index}` })];
        await store.replaceHourPart(share(index, 2, rows, { hour, actorMetrics }));
      }
    }

    // Per hour before 02: 2 hour_parts rows, 4 pageview_hourly_parts rows, 2 metrics rows, 2 labels.
    expect(await store.deleteActorDataBefore("2026020302")).toBe(20);
    expect([...(await store.hourPartStates({ index: 1, count: 2 })).keys()]).toEqual(["2026020302"]);
    expect((await store.actorMetrics(hours[0] ?? "", hours[2] ?? "")).map((m) => m.hour)).toEqual([
      "2026020302",
      "2026020302",
    ]);
    expect([...(await store.hourStates()).keys()]).toEqual(hours);
    const cat = await store.perArticle({
      project: "en.wikipedia",
      article: "Cat",
      access: "all-access",
      agent: "all-agents",
      granularity: "hourly",
      from: "2026020300",
      to: "2026020302",
    });
    expect(cat.map((point) => point.views)).toEqual([3, 3, 3]);
    expect(await store.deleteActorDataBefore("2026020302")).toBe(0);
  });

  it("refuses a shard outside its count", async () => {
    const store = await open();
    for (const shard of [
      { index: 2, count: 2 },
      { index: -1, count: 2 },
      { index: 0, count: 0 },
      { index: 0.5, count: 2 },
    ]) {
      await expect(store.replaceHourPart({ ...share(0, 2, []), shard })).rejects.toThrow(RangeError);
      await expect(store.hourPartStates(shard)).rejects.toThrow(RangeError);
    }
  });
});
