import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_FACTORIES } from "../../test/support/store-factories.ts";
import { actorMetricsRow, pageviewRow, processedHour } from "./store.fixtures.ts";
import type { SeriesQuery, Store } from "./store.ts";

/** The behaviour every Store implementation shares; each runs it (see test/support/store-factories.ts). */

const HOUR = "2026020310";

function hourlyViews(store: Store, article: string, project = "en.wikipedia") {
  return store.perArticle({
    project,
    article,
    access: "all-access",
    agent: "all-agents",
    granularity: "hourly",
    from: HOUR,
    to: HOUR,
  });
}

describe.each(STORE_FACTORIES)("$name", (factory) => {
  let store: Store;
  beforeEach(async (context) => {
    if (factory.skip !== null) context.skip(factory.skip);
    store = await factory.open();
  });
  afterEach(async () => {
    await store?.close();
  });

  it("keeps only the second version of an hour replaced twice", async () => {
    await store.replaceHour(
      processedHour(
        HOUR,
        [pageviewRow({ article: "Old", views: 5 }), pageviewRow({ article: "Both", views: 1 })],
        {
          actorMetrics: [actorMetricsRow(HOUR, { actorSignature: "old-actor" })],
          automatedActors: [{ actorSignature: "old-actor", reasons: { pageview: "more than 800 req" } }],
          fingerprint: "first",
        },
      ),
    );
    await store.replaceHour(
      processedHour(
        HOUR,
        [pageviewRow({ article: "Both", views: 7 }), pageviewRow({ article: "New", views: 2 })],
        {
          actorMetrics: [actorMetricsRow(HOUR, { actorSignature: "new-actor" })],
          fingerprint: "second",
        },
      ),
    );

    expect(await hourlyViews(store, "Old")).toEqual([]);
    expect(await hourlyViews(store, "Both")).toEqual([{ timestamp: HOUR, views: 7 }]);
    expect(await hourlyViews(store, "New")).toEqual([{ timestamp: HOUR, views: 2 }]);
    const metrics = await store.actorMetrics(HOUR, HOUR);
    expect(metrics.map((m) => m.actorSignature)).toEqual(["new-actor"]);
    const state = (await store.hourStates()).get(HOUR);
    expect(state?.rawFingerprint).toBe("second");
    expect(state?.pageviews).toBe(9);
    // One metrics row and no label row remain for the hour.
    expect(await store.deleteActorDataBefore("2026020311")).toBe(1);
  });

  it("round-trips titles with quotes, semicolons, %00, a NUL and 10 KB, as values and never as SQL", async () => {
    const titles = [
      "O'Brien\"s_;_DROP_TABLE_pageview_hourly;--",
      "100%00_sure",
      "nul\u0000inside",
      "Ünïcødé_🐈",
      `Long_${"x".repeat(10 * 1024)}`,
    ];
    await store.replaceHour(
      processedHour(
        HOUR,
        titles.map((article, i) => pageviewRow({ article, views: i + 1 })),
      ),
    );
    await store.refreshServing(["20260203"]);

    for (const [i, article] of titles.entries()) {
      expect(await hourlyViews(store, article)).toEqual([{ timestamp: HOUR, views: i + 1 }]);
      const daily = await store.perArticle({
        project: "en.wikipedia",
        article,
        access: "desktop",
        agent: "user",
        granularity: "daily",
        from: "2026020300",
        to: "2026020300",
      });
      expect(daily).toEqual([{ timestamp: "2026020300", views: i + 1 }]);
    }
    const top = await store.top({ project: "en.wikipedia", access: "all-access", day: "20260203" });
    expect(top.map((t) => t.article)).toEqual([...titles].reverse());
    expect(await hourlyViews(store, "x' OR '1'='1")).toEqual([]);
  });

  it("reads actor metrics by hour range and signatures, and purges them with labels", async () => {
    const hours = ["2026020300", "2026020301", "2026020302"];
    for (const hour of hours) {
      await store.replaceHour(
        processedHour(hour, [pageviewRow()], {
          actorMetrics: [
            actorMetricsRow(hour, { actorSignature: "a", pageviewRatePerMin: null, nocookies: 2 ** 40 }),
            actorMetricsRow(hour, { actorSignature: "b", isPageview: false, isRedirectToPageview: true }),
          ],
          automatedActors: [{ actorSignature: "a", reasons: { redirect_to_pageview: "suspicious UA" } }],
        }),
      );
    }

    const all = await store.actorMetrics("2026020301", "2026020302");
    expect(all.map((m) => `${m.hour}/${m.actorSignature}`).sort()).toEqual([
      "2026020301/a",
      "2026020301/b",
      "2026020302/a",
      "2026020302/b",
    ]);
    const onlyA = await store.actorMetrics("2026020300", "2026020302", ["a", "unknown"]);
    expect(onlyA).toHaveLength(3);
    expect(onlyA[0]).toEqual(
      actorMetricsRow("2026020300", { actorSignature: "a", pageviewRatePerMin: null, nocookies: 2 ** 40 }),
    );
    expect(await store.actorMetrics("2026020300", "2026020302", [])).toEqual([]);

    // Two metrics rows and one label per hour before 02.
    expect(await store.deleteActorDataBefore("2026020302")).toBe(6);
    expect((await store.actorMetrics("2026020300", "2026020302")).map((m) => m.hour)).toEqual([
      "2026020302",
      "2026020302",
    ]);
    expect([...(await store.hourStates()).keys()]).toEqual(hours);
  });

  it("keeps what processing reported for each hour", async () => {
    const processed = processedHour(HOUR, [
      pageviewRow({ views: 3 }),
      pageviewRow({ article: "Dog", views: 4 }),
    ]);
    await store.replaceHour(processed);
    expect(await store.hourStates()).toEqual(
      new Map([[HOUR, { hour: HOUR, ...processed.report, pageviews: 7 }]]),
    );
  });

  it("refuses hours, days and months that are not real dates", async () => {
    await expect(store.replaceHour(processedHour("2026021310x", []))).rejects.toThrow(RangeError);
    await expect(store.replaceHour(processedHour("2026023010", []))).rejects.toThrow(/YYYYMMDDHH/);
    await expect(store.refreshServing(["20261301"])).rejects.toThrow(/YYYYMMDD/);
    const query: SeriesQuery = {
      project: "en.wikipedia",
      access: "all-access",
      agent: "all-agents",
      granularity: "daily",
      from: "2026010124",
      to: "2026010200",
    };
    await expect(store.aggregate(query)).rejects.toThrow(RangeError);
  });
});
