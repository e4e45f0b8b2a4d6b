import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, apiFixture } from "../support/api-fixture.ts";

/**
 * The URLs that existing clients of Wikimedia's API build (../shared/spec/api.md section 5), built the
 * way each builds them, and the fields each reads from the answer. Only the base URL changes.
 */

const BASE = "/api/rest_v1/metrics";
let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await apiFixture();
}, 120_000);
afterAll(async () => {
  await fixture?.close();
});

async function get(path: string) {
  return fixture.app.inject({ method: "GET", url: `${BASE}${path}` });
}

async function json(path: string) {
  const response = await get(path);
  expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
  return response.json();
}

/** Python's `quote(s, safe='')` and R's `curl_escape`: everything but letters, digits and `-._~`. */
function strictEscape(title: string): string {
  return encodeURIComponent(title).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const TITLES = [
  "AC/DC (band)",
  "Are You the One?",
  "Café Tacvba",
  "Rock 'n' Roll; DROP TABLE pageview_hourly;--",
];
const underscored = (title: string) => title.replaceAll(" ", "_");
const TEN_DIGITS = /^\d{10}$/;

/** Problem JSON that every client can show: `title` (wmcloud), `detail` (R, npm, Pantheon). */
async function expectNoDataProblem(path: string) {
  const response = await get(path);
  expect(response.statusCode, path).toBe(404);
  const body = response.json();
  expect(body.title).toBe("Not found.");
  expect(body.detail).toMatch(
    /^The date\(s\) you used are valid, but we either do not have data for those date\(s\)/,
  );
}

describe("pageviews.wmcloud.org", () => {
  it("pageviews: per-article daily and monthly, titles through encodeURIComponent with spaces as _", async () => {
    for (const title of TITLES) {
      const article = encodeURIComponent(underscored(title));
      const daily = await json(
        `/pageviews/per-article/en.wikipedia/all-access/user/${article}/daily/2026013000/2026020100`,
      );
      for (const item of daily.items) {
        expect(item.article).toBe(underscored(title));
        expect(item.timestamp).toMatch(TEN_DIGITS);
        expect(Number.isInteger(item.views)).toBe(true);
      }
      // Monthly requests end on the last day of the month.
      const monthly = await json(
        `/pageviews/per-article/en.wikipedia/all-access/user/${article}/monthly/2026010100/2026022800`,
      );
      expect(monthly.items.length).toBeGreaterThan(0);
    }
  });

  it("topviews: the month's list for a legend rank, a day's list, and the % mobile twins", async () => {
    const month = await json("/pageviews/top/en.wikipedia/all-access/2026/01/all-days");
    expect(
      month.items[0].articles.find((a: { article: string }) => a.article === "Are_You_the_One?"),
    ).toMatchObject({
      rank: expect.any(Number),
    });
    const day = await json("/pageviews/top/en.wikipedia/mobile-web/2026/01/31");
    const { article, views, rank } = day.items[0].articles[0];
    expect([typeof article, typeof views, rank]).toEqual(["string", "number", 1]);
    const encoded = encodeURIComponent(article);
    const web = await json(
      `/pageviews/per-article/en.wikipedia/mobile-web/user/${encoded}/daily/2026013100/2026013100`,
    );
    expect(web.items[0].article).toBe(article);
    expect(web.items[0].views).toBe(views);
    const app = await get(
      `/pageviews/per-article/en.wikipedia/mobile-app/user/${encoded}/daily/2026013100/2026013100`,
    );
    expect([200, 404]).toContain(app.statusCode);
  });

  it("siteviews: aggregate with .org kept, all-projects monthly, unique-devices and pagecounts", async () => {
    const fr = await json(
      "/pageviews/aggregate/fr.wikipedia.org/all-access/user/daily/2026013000/2026020100",
    );
    expect(fr.items.map((i: { project: string }) => i.project)).toEqual([
      "fr.wikipedia",
      "fr.wikipedia",
      "fr.wikipedia",
    ]);
    const all = await json("/pageviews/aggregate/all-projects/all-access/user/monthly/2026010100/2026063000");
    expect(all.items.map((i: { timestamp: string }) => i.timestamp)).toEqual(["2026010100", "2026020100"]);
    await expectNoDataProblem("/unique-devices/fr.wikipedia.org/all-sites/monthly/2026010100/2026063000");
    await expectNoDataProblem(
      "/legacy/pagecounts/aggregate/de.wikipedia.org/desktop-site/monthly/2008010100/2016073100",
    );
  });

  it("massviews' proxy: a page without views is a 404 it turns into empty items", async () => {
    await expectNoDataProblem(
      "/pageviews/per-article/de.wikipedia/all-access/user/Katze/daily/2026010100/2026013100",
    );
  });
});

describe("python-mwviews", () => {
  it("article_views: 10-digit dates, titles through quote(safe='')", async () => {
    for (const title of TITLES) {
      const url = `/pageviews/per-article/en.wikipedia/all-access/all-agents/${strictEscape(underscored(title))}`;
      const daily = await json(`${url}/daily/2026013000/2026020100`);
      for (const item of daily.items) {
        expect(item.article).toBe(underscored(title));
        expect(item.timestamp).toMatch(TEN_DIGITS);
      }
      expect((await json(`${url}/monthly/2026010100/2026033100`)).items.length).toBeGreaterThan(0);
    }
  });

  it("project_views, top_articles, top_by_country and top_per_country (upper-cased)", async () => {
    for (const project of ["en.wikipedia", "commons.wikimedia"]) {
      const views = await json(
        `/pageviews/aggregate/${project}/all-access/all-agents/daily/2026013000/2026020100`,
      );
      expect(views.items).toHaveLength(3);
    }
    const top = await json("/pageviews/top/en.wikipedia/all-access/2026/01/31");
    expect(top.items[0].articles.length).toBeGreaterThan(0);
    const byCountry = await json("/pageviews/top-by-country/en.wikipedia/all-access/2026/01");
    const [country] = byCountry.items[0].countries;
    expect([typeof country.views, typeof country.views_ceil]).toEqual(["string", "number"]);
    // The fixture is below the privacy threshold: a valid request, answered with the usual 404.
    await expectNoDataProblem("/pageviews/top-per-country/IN/all-access/2026/01/31");
  });
});

describe("npm pageviews (tomayac/pageviews.js)", () => {
  it("8-digit per-article dates, hourly aggregate by default, tops, unique devices, legacy and dimensions", async () => {
    const berlin = await json(
      "/pageviews/per-article/en.wikipedia/all-access/all-agents/Caf%C3%A9_Tacvba/daily/20260130/20260201",
    );
    expect(berlin.items[0]).toMatchObject({ article: "Café_Tacvba", timestamp: "2026020100", views: 6 });
    const hourly = await json(
      "/pageviews/aggregate/en.wikipedia/all-access/all-agents/hourly/2026013001/2026013002",
    );
    expect(hourly.items.map((i: { timestamp: string }) => i.timestamp)).toEqual(["2026013001", "2026013002"]);
    expect((await json("/pageviews/top/en.wikipedia/all-access/2026/01/31")).items).toHaveLength(1);
    expect((await json("/pageviews/top-by-country/en.wikipedia/all-access/2026/01")).items).toHaveLength(1);
    await expectNoDataProblem("/unique-devices/en.wikipedia/desktop-site/daily/20260131/20260131");
    await expectNoDataProblem(
      "/legacy/pagecounts/aggregate/en.wikipedia/all-sites/hourly/2026013000/2026013023",
    );
    const dimensions = await json("/pageviews/");
    expect(dimensions.items).toEqual(expect.arrayContaining(["per-article", "aggregate", "top"]));
  });
});

describe("R pageviews (Ironholds/pageviews)", () => {
  it("article_pageviews per user type, project_pageviews hourly, top_articles daily and monthly, old_pageviews", async () => {
    for (const agent of ["user", "automated"]) {
      const response = await get(
        `/pageviews/per-article/en.wikipedia/all-access/${agent}/${strictEscape("AC/DC_(band)")}/daily/2026013000/2026013100`,
      );
      // R stops on a 404 with the problem's `detail`; otherwise it reads items.
      if (response.statusCode === 404) expect(response.json().detail).toBeTruthy();
      else expect(response.json().items[0].article).toBe("AC/DC_(band)");
    }
    const hourly = await json(
      "/pageviews/aggregate/en.wikipedia/all-access/all-agents/hourly/2026013000/2026013023",
    );
    expect(hourly.items).toHaveLength(24);
    // R splits `project` at its last dot: it must keep the xx.family form.
    expect(hourly.items[0].project.split(".")).toEqual(["en", "wikipedia"]);
    expect((await json("/pageviews/top/en.wikipedia/all-access/2026/01/30")).items[0].day).toBe("30");
    expect((await json("/pageviews/top/en.wikipedia/all-access/2026/01/all-days")).items[0].day).toBe(
      "all-days",
    );
    await expectNoDataProblem(
      "/legacy/pagecounts/aggregate/en.wikipedia/all-sites/daily/2013100100/2015100100",
    );
  });
});
