import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_DATA_DETAIL } from "../../src/api/problem.ts";
import { createApiServer } from "../../src/api/server.ts";
import { type ApiFixture, apiFixture, DAYS, HAND_MADE } from "../support/api-fixture.ts";

/**
 * The contract of docs/api.md (Wikimedia's, from ../shared/spec/api.md sections 1-3 and 7), against a
 * store filled by `pageviews ingest` with traffic whose counts are known.
 */

const BASE = "/api/rest_v1/metrics";
let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await apiFixture();
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  return fixture.app.inject({ method: "GET", url: `${BASE}${path}`, headers });
}

async function items(path: string): Promise<Record<string, unknown>[]> {
  const response = await get(path);
  expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
  return response.json().items;
}

const title = (article: string) => encodeURIComponent(article);

describe("per-article", () => {
  it("answers the exact body shape, keys in AQS's order", async () => {
    const response = await get(
      "/pageviews/per-article/en.wikipedia/all-access/all-agents/100%25_Pure/daily/2026013100/2026013100",
    );
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.body).toBe(
      '{"items":[{"project":"en.wikipedia","article":"100%_Pure","granularity":"daily","timestamp":"2026013100",' +
        '"access":"all-access","agent":"all-agents","views":5}]}',
    );
  });

  it("normalises projects: EN.WIKIPEDIA.ORG and www.en.wikipedia.org are en.wikipedia", async () => {
    const path = (project: string) =>
      `/pageviews/per-article/${project}/all-access/all-agents/Are_You_the_One%3F/daily/20260130/20260201`;
    const expected = (await get(path("en.wikipedia"))).body;
    expect(JSON.parse(expected).items).toHaveLength(2);
    expect((await get(path("EN.WIKIPEDIA.ORG"))).body).toBe(expected);
    expect((await get(path("www.en.wikipedia.org"))).body).toBe(expected);
    const invalid = await get(path("en wiki!"));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().detail).toBe("The parameter `project` contains invalid charaters.");
  });

  it("round-trips titles with %2F, %3F, %25, spaces and unicode to their underscored form", async () => {
    for (const page of HAND_MADE) {
      const spaced = page.article.replaceAll("_", " ");
      const body = await items(
        `/pageviews/per-article/en.wikipedia/all-access/all-agents/${title(spaced)}/daily/20260130/20260201`,
      );
      const expected = page.views.reduce((sum, v) => sum + v.count, 0);
      expect(
        body.every((item) => item.article === page.article),
        page.article,
      ).toBe(true);
      expect(
        body.reduce((sum, item) => sum + (item.views as number), 0),
        page.article,
      ).toBe(expected);
    }
  });

  it("gives 0 for a day with views only of other agents, and omits a day without views", async () => {
    const body = await items(
      "/pageviews/per-article/en.wikipedia/all-access/user/Quiet_Page/daily/20260130/20260201",
    );
    expect(body.map((item) => [item.timestamp, item.views])).toEqual([
      ["2026013000", 2],
      ["2026013100", 0],
    ]);
  });

  it("returns one bucket when start equals end, with the hour of an 8-digit date faked to 00", async () => {
    const body = await items(
      "/pageviews/per-article/en.wikipedia/desktop/user/AC%2FDC_(band)/daily/20260130/20260130",
    );
    expect(body).toEqual([
      {
        project: "en.wikipedia",
        article: "AC/DC_(band)",
        granularity: "daily",
        timestamp: "2026013000",
        access: "desktop",
        agent: "user",
        views: 3,
      },
    ]);
  });

  it("matches the known counts of the busiest articles, for every access and for spiders", async () => {
    const { known } = fixture;
    const accesses = [
      ["all-access", undefined],
      ["desktop", "desktop"],
      ["mobile-web", "mobile web"],
      ["mobile-app", "mobile app"],
    ] as const;
    for (const article of known.articles("en.wikipedia").slice(0, 5)) {
      for (const [access, accessMethod] of accesses) {
        for (const [agent, refinedAgent] of [
          ["all-agents", undefined],
          ["spider", "spider"],
        ] as const) {
          const response = await get(
            `/pageviews/per-article/en.wikipedia/${access}/${agent}/${title(article)}/daily/2026013000/2026020100`,
          );
          const expected = DAYS.map((day) =>
            known.sum({ project: "en.wikipedia", article, day, access: accessMethod, agent: refinedAgent }),
          );
          const byDay = new Map(
            response.statusCode === 200
              ? response
                  .json()
                  .items.map((i: { timestamp: string; views: number }) => [i.timestamp.slice(0, 8), i.views])
              : [],
          );
          expect(
            DAYS.map((day) => byDay.get(day) ?? 0),
            `${article} ${access} ${agent}`,
          ).toEqual(expected);
        }
      }
    }
  });

  it("trims monthly ranges inward to whole months, as AQS 1 does", async () => {
    const monthly = (start: string, end: string) =>
      get(
        `/pageviews/per-article/en.wikipedia/all-access/all-agents/Caf%C3%A9_Tacvba/monthly/${start}/${end}`,
      );
    // 2026-02-01..2026-02-28 is whole: February's views.
    expect((await monthly("2026020100", "2026022800")).json().items).toEqual([
      expect.objectContaining({ timestamp: "2026020100", views: 6 }),
    ]);
    // Starting on the 2nd drops February; no whole month is left.
    const partial = await monthly("2026020200", "2026033100");
    expect(partial.statusCode).toBe(404);
    const none = await monthly("2026020300", "2026022000");
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toBe("no full months found in specified date range");
    // 2026-01-20..2026-03-03 keeps February only.
    expect(
      (await monthly("20260120", "20260303")).json().items.map((i: { timestamp: string }) => i.timestamp),
    ).toEqual(["2026020100"]);
  });

  it("serves hourly buckets (an extension), which need YYYYMMDDHH", async () => {
    const body = await items(
      "/pageviews/per-article/en.wikipedia/all-access/all-agents/100%25_Pure/hourly/2026013100/2026013123",
    );
    expect(body).toEqual([
      expect.objectContaining({ granularity: "hourly", timestamp: "2026013112", views: 5 }),
    ]);
    const eightDigits = await get(
      "/pageviews/per-article/en.wikipedia/all-access/all-agents/Cat/hourly/20260131/20260131",
    );
    expect(eightDigits.statusCode).toBe(400);
    expect(eightDigits.json().detail).toContain(
      "start timestamp is invalid, must be a valid date in YYYYMMDDHH format",
    );
  });

  it("answers 404 with Wikimedia's detail when nothing matches", async () => {
    const path =
      "/pageviews/per-article/en.wikipedia/all-access/all-agents/No_Such_Page/daily/20260130/20260201";
    const response = await get(path);
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    expect(response.json()).toEqual({
      type: "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
      title: "Not found.",
      method: "get",
      detail: NO_DATA_DETAIL,
      uri: `${BASE}${path}`,
      status: 404,
    });
    expect(
      response
        .json()
        .detail.startsWith(
          "The date(s) you used are valid, but we either do not have data for those date(s)",
        ),
    ).toBe(true);
  });
});

describe("aggregate", () => {
  it("sums every project into all-projects, hourly, daily and monthly", async () => {
    const { known } = fixture;
    const daily = await items(
      "/pageviews/aggregate/all-projects/all-access/all-agents/daily/2026013000/2026020100",
    );
    expect(daily.map((item) => item.views)).toEqual(DAYS.map((day) => known.sum({ day })));
    expect(daily[0]).toEqual({
      project: "all-projects",
      access: "all-access",
      agent: "all-agents",
      granularity: "daily",
      timestamp: "2026013000",
      views: known.sum({ day: "20260130" }),
    });
    const hourly = await items(
      "/pageviews/aggregate/en.wikipedia/all-access/spider/hourly/2026013000/2026013023",
    );
    expect(hourly.reduce((sum, item) => sum + (item.views as number), 0)).toBe(
      known.sum({ project: "en.wikipedia", day: "20260130", agent: "spider" }),
    );
    expect(hourly.length).toBeGreaterThan(20);
    const monthly = await items(
      "/pageviews/aggregate/de.wikipedia.org/desktop/all-agents/monthly/2026010100/2026013100",
    );
    expect(monthly).toEqual([
      expect.objectContaining({
        project: "de.wikipedia",
        timestamp: "2026010100",
        views:
          known.sum({ project: "de.wikipedia", access: "desktop", day: "20260130" }) +
          known.sum({ project: "de.wikipedia", access: "desktop", day: "20260131" }),
      }),
    ]);
  });

  it("splits user views into user and automated, whose sum is refine's user views", async () => {
    const sum = async (agent: string) =>
      (await items(`/pageviews/aggregate/en.wikipedia/all-access/${agent}/daily/20260130/20260201`)).reduce(
        (total, item) => total + (item.views as number),
        0,
      );
    const [user, automated] = [await sum("user"), await sum("automated")];
    expect(automated).toBeGreaterThan(0);
    expect(user + automated).toBe(fixture.known.sum({ project: "en.wikipedia", agent: "user" }));
  });

  it("rejects bad timestamps with the catalogue's messages, all of them", async () => {
    const detail = async (path: string) => {
      const response = await get(path);
      expect(response.statusCode, path).toBe(400);
      return response.json().detail as string;
    };
    const hourly = "/pageviews/aggregate/en.wikipedia/all-access/all-agents/hourly";
    expect(await detail(`${hourly}/20150701000000/2015070200`)).toBe(
      "start timestamp is invalid, must be a valid date in YYYYMMDDHH format",
    );
    expect(await detail(`${hourly}/2015022900/2015030100`)).toBe(
      "start timestamp is invalid, must be a valid date in YYYYMMDDHH format",
    );
    expect(await detail(`${hourly}/2015070200/2015070100`)).toBe(
      "start timestamp should be before the end timestamp",
    );
    expect(
      await detail("/pageviews/aggregate/en.wikipedia/all-access/all-agents/daily/201507a3/2015070x"),
    ).toBe(
      "start timestamp is invalid, must be a valid date in YYYYMMDD format; " +
        "end timestamp is invalid, must be a valid date in YYYYMMDD format",
    );
  });
});

describe("top", () => {
  it("ranks user views of a day and of a month (all-days), without `-`", async () => {
    const { known } = fixture;
    const [day] = await items("/pageviews/top/en.wikipedia/all-access/2026/01/31");
    expect(Object.keys(day ?? {})).toEqual(["project", "access", "year", "month", "day", "articles"]);
    expect(day).toMatchObject({
      project: "en.wikipedia",
      access: "all-access",
      year: "2026",
      month: "01",
      day: "31",
    });
    const articles = day?.articles as { article: string; views: number; rank: number }[];
    expect(articles.length).toBeGreaterThan(10);
    expect(articles.length).toBeLessThanOrEqual(1000);
    expect(articles.some((a) => a.article === "-")).toBe(false);
    expect(Object.keys(articles[0] ?? {})).toEqual(["article", "views", "rank"]);
    for (const [i, entry] of articles.entries()) {
      const before = articles[i - 1];
      // rank(): ties share a rank, and the next rank counts the tied entries.
      if (before === undefined) expect(entry.rank).toBe(1);
      else if (before.views === entry.views) expect(entry.rank).toBe(before.rank);
      else expect(entry.rank).toBe(i + 1);
    }
    // A hand-made page no automated actor touched: its user views are refine's.
    expect(articles.find((a) => a.article === "100%_Pure")?.views).toBe(
      known.sum({ article: "100%_Pure", agent: "user" }),
    );
    const [month] = await items("/pageviews/top/en.wikipedia/all-access/2026/01/all-days");
    expect(month).toMatchObject({ year: "2026", month: "01", day: "all-days" });
  });

  it("accepts all-days, and rejects all-dayz, all-months, all-years and 02/29 of a common year", async () => {
    expect((await get("/pageviews/top/en.wikipedia/all-access/2026/02/all-days")).statusCode).toBe(200);
    for (const bad of [
      "2026/01/all-dayz",
      "2026/all-months/all-days",
      "all-years/01/all-days",
      "2026/02/29",
    ]) {
      const response = await get(`/pageviews/top/en.wikipedia/all-access/${bad}`);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().detail, bad).toBe("Given year/month/day is invalid date");
    }
  });

  it("ranks any range of days and any agent (an extension), equal to the stored lists for one day", async () => {
    const stored = await items("/pageviews/top/en.wikipedia/mobile-web/2026/01/31");
    const ranged = await items("/pageviews/top/en.wikipedia/mobile-web/20260131/20260131");
    expect(ranged[0]?.articles).toEqual(stored[0]?.articles);
    expect(ranged[0]).toMatchObject({ agent: "user", start: "2026013100", end: "2026013100" });
    const [spiders] = await items(
      "/pageviews/top/en.wikipedia/all-access/2026013000/2026020100?agent=spider",
    );
    const top = (spiders?.articles as { article: string; views: number }[] | undefined)?.[0];
    expect(top?.views).toBe(
      fixture.known.sum({ project: "en.wikipedia", article: top?.article, agent: "spider" }),
    );
    const [agentDay] = await items("/pageviews/top/en.wikipedia/all-access/2026/01/31?agent=all-agents");
    expect(agentDay).toMatchObject({ agent: "all-agents", day: "31" });
  });
});

describe("top-by-country and top-per-country", () => {
  it("bucket the countries' rounded views, and use upper-case country keys", async () => {
    const [month] = await items("/pageviews/top-by-country/all-projects/all-access/2026/01");
    const countries = month?.countries as {
      country: string;
      views: string;
      rank: number;
      views_ceil: number;
    }[];
    expect(countries.length).toBeGreaterThan(0);
    expect(Object.keys(countries[0] ?? {})).toEqual(["country", "views", "rank", "views_ceil"]);
    for (const c of countries) {
      expect(c.views_ceil % 1000).toBe(0);
      expect(c.views).toMatch(/^1(0*)-9+$/);
    }
  });

  it("list a country's articles above the privacy threshold only, rounded up to hundreds", async () => {
    const path = "/top-per-country/US/all-access/2026/01/31";
    // The fixture is small: no article passes Wikimedia's threshold of 1000.
    expect((await get(`/pageviews${path}`)).statusCode).toBe(404);
    const open = await createApiServer({ store: fixture.store, version: "test", topPerCountryThreshold: 0 });
    try {
      const response = await open.inject({ method: "GET", url: `${BASE}/pageviews${path}` });
      expect(response.statusCode).toBe(200);
      const [day] = response.json().items;
      expect(day).toMatchObject({
        country: "US",
        access: "all-access",
        year: "2026",
        month: "01",
        day: "31",
      });
      expect(Object.keys(day.articles[0])).toEqual(["article", "project", "views_ceil", "rank"]);
      expect(
        day.articles.every((a: { views_ceil: number }) => a.views_ceil % 100 === 0 && a.views_ceil > 0),
      ).toBe(true);
      // A key, not normalised: `us` finds nothing.
      const lower = await open.inject({
        method: "GET",
        url: `${BASE}/pageviews/top-per-country/us/all-access/2026/01/31`,
      });
      expect(lower.statusCode).toBe(404);
    } finally {
      await open.close();
    }
  });
});
