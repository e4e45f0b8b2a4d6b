import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/api/server.ts";
import { Random } from "../../src/generate/random.ts";
import { DuckDbStore } from "../../src/store/duckdb-store.ts";
import { pageviewRow, processedHour, randomPageviews } from "../../src/store/store.fixtures.ts";
import type { PageviewHourlyRow, Store } from "../../src/store/store.ts";
import { clickHouseUnavailable } from "../support/clickhouse-cluster.ts";
import { openClickHouseStore } from "../support/store-factories.ts";

/**
 * The API on DuckDB and on a 2-shard ClickHouse, loaded with the same generated hours: every answer,
 * body and headers, is the same byte for byte.
 */

const BASE = "/api/rest_v1/metrics/pageviews";
const HOURS = ["2026013122", "2026013123", "2026020100", "2026020113", "2026020223"];
const HARD_TITLES = ["AC/DC_(band)", "Are_You_the_One?", "100%_Love", "Ünïcødé_🐈", "O'Brien\\\"s"];

function generatedHours(): Map<string, PageviewHourlyRow[]> {
  const random = new Random(21);
  const hours = new Map<string, PageviewHourlyRow[]>();
  for (const [i, hour] of HOURS.entries()) {
    const hard = HARD_TITLES.map((article, j) => pageviewRow({ article, views: 1 + ((i + j) % 4) }));
    hours.set(hour, [...randomPageviews(random, 800), ...hard]);
  }
  return hours;
}

function paths(): string[] {
  const list = [`${BASE}/availability`];
  for (const access of ["all-access", "desktop", "mobile-web"]) {
    for (const agent of ["all-agents", "user", "spider", "automated"]) {
      for (const project of ["en.wikipedia", "de.wikipedia", "all-projects"]) {
        for (const [granularity, from, to] of [
          ["hourly", "2026013100", "2026020323"],
          ["daily", "20260131", "20260203"],
          ["monthly", "20260101", "20260301"],
        ]) {
          list.push(`${BASE}/aggregate/${project}/${access}/${agent}/${granularity}/${from}/${to}`);
        }
      }
      for (const article of ["Article_3", "Article_17", ...HARD_TITLES.map(encodeURIComponent), "Missing"]) {
        list.push(`${BASE}/per-article/en.wikipedia/${access}/${agent}/${article}/daily/20260131/20260203`);
        list.push(
          `${BASE}/per-article/en.wikipedia/${access}/${agent}/${article}/hourly/2026013100/2026020323`,
        );
      }
    }
    for (const project of ["en.wikipedia", "commons.wikimedia", "all-projects"]) {
      list.push(
        `${BASE}/top/${project}/${access}/2026/02/01`,
        `${BASE}/top/${project}/${access}/2026/01/all-days`,
      );
      list.push(`${BASE}/top-by-country/${project}/${access}/2026/02`);
    }
    for (const country of ["US", "FR", "ZZ"])
      list.push(`${BASE}/top-per-country/${country}/${access}/2026/02/01`);
  }
  return list;
}

describe.skipIf(clickHouseUnavailable() !== null)("the API on DuckDB and on ClickHouse", () => {
  const stores: Store[] = [];
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    const hours = generatedHours();
    for (const store of [await DuckDbStore.open(":memory:"), await openClickHouseStore()]) {
      stores.push(store);
      for (const [hour, rows] of hours) await store.replaceHour(processedHour(hour, rows));
      await store.refreshServing([...new Set(HOURS.map((hour) => hour.slice(0, 8)))]);
      apps.push(await createApiServer({ store, version: "test", rateLimit: 0 }));
    }
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
  });

  it("answers every route with the same status, headers and bytes, as JSON and as CSV", async () => {
    let compared = 0;
    for (const url of paths()) {
      for (const accept of ["application/json", "text/csv"]) {
        const [duck, clickhouse] = await Promise.all(
          apps.map((app) => app.inject({ method: "GET", url, headers: { accept } })),
        );
        const strip = (headers: Record<string, unknown>) => ({ ...headers, date: undefined });
        expect(clickhouse?.statusCode, url).toBe(duck?.statusCode);
        expect(clickhouse?.rawPayload.equals(duck?.rawPayload ?? Buffer.alloc(0)), url).toBe(true);
        expect(strip(clickhouse?.headers ?? {}), url).toEqual(strip(duck?.headers ?? {}));
        if (duck?.statusCode === 200) compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
