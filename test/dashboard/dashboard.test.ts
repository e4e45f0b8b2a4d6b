import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, launchChromium, startDashboardServer } from "./support.ts";

/**
 * The dashboard in headless Chromium, against the API over a store filled by the real ingest path
 * (2026-01-30 to 2026-02-01): every number on screen is checked against the API's own answer.
 */

let server: DashboardServer;
let browser: Browser;
let context: BrowserContext;
/** Console errors (a CSP violation among them) and uncaught exceptions, from every page. */
const pageErrors: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchChromium()]);
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1200, height: 900 } });
  context.on("page", watch);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function watch(page: Page): void {
  page.on("console", (message) => {
    // Chromium logs every answer of 4xx and every refused connection: the tests ask for those.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      pageErrors.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
}

interface ShownTable {
  head: string[];
  body: string[][];
  foot: string[][];
}

/** The results once they are in (or the empty, no-data or error state). */
async function settled(page: Page): Promise<string> {
  await page.waitForSelector(".results[data-state]:not([data-state='loading']):not([aria-busy])");
  return (await page.locator(".results").getAttribute("data-state")) ?? "";
}

async function open(page: Page, view: string, params: Record<string, string>): Promise<string> {
  await page.goto(`${server.url}#/${view}?${new URLSearchParams(params)}`);
  return settled(page);
}

/** The parts of the DOM read here (the root tsconfig has no DOM types: this runs in the page). */
interface PageNode {
  textContent: string | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
}

/** The table as shown, without the row controls (not data, so not exported either). */
function shownTable(page: Page): Promise<ShownTable> {
  return page.$eval(".results .table table", (table: PageNode) => {
    const cells = (row: PageNode | null) =>
      [...(row?.querySelectorAll("th:not(.action), td:not(.action)") ?? [])].map(
        (cell) => cell.textContent ?? "",
      );
    return {
      head: cells(table.querySelector("thead tr")),
      body: [...table.querySelectorAll("tbody tr")].map(cells),
      foot: [...table.querySelectorAll("tfoot tr")].map(cells),
    };
  });
}

/** A number as shown with en-US digit grouping. */
function shownNumber(text: string): number {
  return Number(text.replaceAll(",", ""));
}

async function chartCounts(page: Page): Promise<{ series: number; points: number }> {
  const chart = page.locator(".results .chart");
  return {
    series: Number(await chart.getAttribute("data-series")),
    points: Number(await chart.getAttribute("data-points")),
  };
}

async function api<T>(path: string): Promise<T[] | null> {
  const response = await fetch(`${server.url}api/rest_v1/metrics/${path}`);
  if (response.status === 404) return null;
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: T[] }).items;
}

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click(),
  ]);
  return readFileSync((await file.path()) as string, "utf8");
}

/** RFC 4180 fields, quotes and all. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (char !== "\r") field += char;
  }
  return rows;
}

/** The CSV export holds what the table shows: the same cells, numbers without digit grouping. */
async function expectCsvEqualsTable(page: Page): Promise<void> {
  const table = await shownTable(page);
  const csv = parseCsv(await download(page, "Download CSV"));
  const plain = (row: string[]) =>
    row.map((cell) => (/^-?[\d,]+(\.\d+)?$/.test(cell) ? cell.replaceAll(",", "") : cell));
  expect(csv).toEqual([table.head, ...table.body, ...table.foot].map(plain));
}

const DAYS = ["2026-01-29", "2026-01-30", "2026-01-31", "2026-02-01"];

describe("Pageviews", () => {
  const articles = ["Main_Page", "Are_You_the_One?", "AC/DC_(band)", "Deaths_in_2026"];
  const params = {
    project: "en.wikipedia",
    pages: articles.join("|"),
    range: "custom",
    start: DAYS[0] as string,
    end: DAYS[3] as string,
    granularity: "daily",
    agent: "user",
  };

  it("draws one line per article, one point per day, and tabulates the API's views with totals", async () => {
    const page = await context.newPage();
    expect(await open(page, "pageviews", params)).toBe("ready");
    expect(await chartCounts(page)).toEqual({ series: articles.length, points: DAYS.length });
    // uPlot's legend: the date, then a row per series.
    expect(await page.locator(".results .u-legend .u-series").count()).toBe(articles.length + 1);

    const table = await shownTable(page);
    expect(table.head).toEqual(["Date", ...articles.map((article) => article.replaceAll("_", " "))]);
    expect(table.body.map((row) => row[0])).toEqual(DAYS);
    for (const [column, article] of articles.entries()) {
      const items = await api<{ timestamp: string; views: number }>(
        `pageviews/per-article/en.wikipedia/all-access/user/${encodeURIComponent(article)}/daily/20260129/20260201`,
      );
      // The API leaves out days without views: the table shows them as 0.
      const expected = DAYS.map(
        (day) => items?.find((item) => item.timestamp === `${day.replaceAll("-", "")}00`)?.views ?? 0,
      );
      expect(table.body.map((row) => shownNumber(row[column + 1] as string))).toEqual(expected);
      const total = expected.reduce((sum, views) => sum + views, 0);
      expect(shownNumber(table.foot[0]?.[column + 1] as string)).toBe(total);
      // The daily average, to one decimal.
      expect(shownNumber(table.foot[1]?.[column + 1] as string)).toBe(
        Math.round((total * 10) / DAYS.length) / 10,
      );
    }
    await page.close();
  });

  it("exports as CSV exactly the table shown, and as JSON the same rows", async () => {
    const page = await context.newPage();
    await open(page, "pageviews", params);
    await expectCsvEqualsTable(page);
    const json = JSON.parse(await download(page, "Download JSON")) as {
      view: string;
      permalink: string;
      columns: string[];
      rows: Record<string, unknown>[];
    };
    const table = await shownTable(page);
    expect(json.view).toBe("pageviews");
    expect(json.permalink).toBe(page.url());
    expect(json.columns).toEqual(table.head);
    expect(json.rows.map((row) => table.head.map((label) => String(row[label])))).toEqual(
      table.body.map((row) => row.map((cell, i) => (i === 0 ? cell : String(shownNumber(cell))))),
    );
    await page.close();
  });

  it("keeps what the reader changes in the URL, so that the permalink shows the same", async () => {
    const page = await context.newPage();
    await open(page, "pageviews", { ...params, pages: "Main_Page|Taylor_Swift" });
    // By keyboard: Enter on a chip's remove button removes it; a title typed, then Enter, adds it.
    await page.getByRole("button", { name: "Remove Taylor Swift" }).focus();
    await page.keyboard.press("Enter");
    expect(await settled(page)).toBe("ready");
    await page.getByLabel("Articles (up to 10)", { exact: true }).fill("Deaths in 2026");
    await page.keyboard.press("Enter");
    expect(await settled(page)).toBe("ready");
    await page.getByLabel("Agent", { exact: true }).selectOption("all-agents");
    await settled(page);
    await page.getByLabel("Chart", { exact: true }).selectOption("bar");
    await settled(page);
    await page.getByLabel("Log scale", { exact: true }).check();
    await settled(page);
    expect(await chartCounts(page)).toEqual({ series: 2, points: DAYS.length });
    const before = await shownTable(page);
    const permalink = await page.locator(".results .permalink").getAttribute("href");
    expect(permalink).toBe(page.url());
    expect(permalink).toContain("pages=Main_Page|Deaths_in_2026");

    const restored = await context.newPage();
    await restored.goto(permalink as string);
    expect(await settled(restored)).toBe("ready");
    expect(await shownTable(restored)).toEqual(before);
    expect(await restored.getByLabel("Agent", { exact: true }).inputValue()).toBe("all-agents");
    expect(await restored.getByLabel("Chart", { exact: true }).inputValue()).toBe("bar");
    expect(await restored.getByLabel("Log scale", { exact: true }).isChecked()).toBe(true);
    expect(await chartCounts(restored)).toEqual({ series: 2, points: DAYS.length });
    await Promise.all([page.close(), restored.close()]);
  });

  it("shows whole months when monthly, as the API answers them", async () => {
    const page = await context.newPage();
    await open(page, "pageviews", {
      ...params,
      granularity: "monthly",
      start: "2026-01-01",
      end: "2026-02-28",
    });
    expect(await chartCounts(page)).toEqual({ series: articles.length, points: 2 });
    const items = await api<{ timestamp: string; views: number }>(
      "pageviews/per-article/en.wikipedia/all-access/user/Main_Page/monthly/20260101/20260228",
    );
    const table = await shownTable(page);
    expect(table.body.map((row) => [row[0], shownNumber(row[1] as string)])).toEqual(
      ["2026-01", "2026-02"].map((month) => [
        month,
        items?.find((item) => item.timestamp.startsWith(month.replace("-", "")))?.views ?? 0,
      ]),
    );
    await page.close();
  });

  it("says 'no data for these dates' for the API's 404, and shows the API's refusal as an error", async () => {
    const page = await context.newPage();
    expect(await open(page, "pageviews", { ...params, pages: "No_Such_Article_Here" })).toBe("nodata");
    expect(await page.locator(".results .status").textContent()).toMatch(/^No data for these dates\./);
    expect(await page.locator(".results .status").getAttribute("role")).toBe("status");
    expect(await page.locator(".results table").count()).toBe(0);

    expect(await open(page, "pageviews", { ...params, project: "not a project!" })).toBe("error");
    expect(await page.getByRole("alert").textContent()).toContain("The parameter `project` contains invalid");

    expect(await open(page, "pageviews", { ...params, pages: "" })).toBe("empty");
    expect(await page.locator(".results .status").textContent()).toContain("Add up to 10 articles");
    await page.close();
  });
});

describe("Topviews", () => {
  interface Top {
    articles: { article: string; views: number; rank: number }[];
  }
  const params = { project: "en.wikipedia", period: "day", date: "2026-01-31", limit: "100" };
  const topOf = async (access: string) =>
    (await api<Top>(`pageviews/top/en.wikipedia/${access}/2026/01/31`))?.[0]?.articles ?? [];

  it("lists the API's top articles with their mobile share, and flags the lopsided ones", async () => {
    const page = await context.newPage();
    expect(await open(page, "topviews", params)).toBe("ready");
    const [all, desktop] = await Promise.all([topOf("all-access"), topOf("desktop")]);
    const table = await shownTable(page);
    expect(table.head).toEqual(["Rank", "Article", "Views", "Mobile share", "Flag"]);
    expect(
      table.body.map((row) => [shownNumber(row[0] as string), row[1], shownNumber(row[2] as string)]),
    ).toEqual(
      all.slice(0, 100).map((entry) => [entry.rank, entry.article.replaceAll("_", " "), entry.views]),
    );
    // Where the desktop list has the article, its mobile views are exactly the rest.
    let checked = 0;
    for (const [i, entry] of all.slice(0, 100).entries()) {
      const onDesktop = desktop.find((other) => other.article === entry.article);
      if (onDesktop === undefined) continue;
      checked++;
      const share = Math.round((100 * (entry.views - onDesktop.views)) / entry.views);
      expect(table.body[i]?.[3]).toBe(`${share}%`);
      const flag = table.body[i]?.[4] ?? "";
      if (share <= 4 || share >= 96) expect(flag).toMatch(/^Mobile share near (0|100) %$/);
      else if (share > 10 && share < 90) expect(flag).not.toMatch(/desktop|Mobile share/);
    }
    expect(checked).toBeGreaterThan(10);
    expect(table.body.some((row) => row[4] !== "")).toBe(true);
    expect(await chartCounts(page)).toEqual({ series: 1, points: 20 });
    expect(await page.locator(".results .chart svg rect").count()).toBe(20);
    await expectCsvEqualsTable(page);
    await page.close();
  });

  it("hides an entry, keeps it hidden in the permalink, and shows it again", async () => {
    const page = await context.newPage();
    await open(page, "topviews", params);
    const all = await topOf("all-access");
    const [first, second] = all.map((entry) => entry.article.replaceAll("_", " "));
    await page.getByRole("button", { name: `Hide ${first}` }).click();
    expect(await settled(page)).toBe("ready");
    expect((await shownTable(page)).body[0]?.[1]).toBe(second);
    expect(page.url()).toContain(`hide=${all[0]?.article}`);
    expect(parseCsv(await download(page, "Download CSV")).some((row) => row[1] === first)).toBe(false);

    const restored = await context.newPage();
    await restored.goto(page.url());
    await settled(restored);
    expect((await shownTable(restored)).body[0]?.[1]).toBe(second);
    await restored.getByRole("button", { name: "Show hidden entries" }).click();
    await settled(restored);
    expect((await shownTable(restored)).body[0]?.[1]).toBe(first);
    await Promise.all([page.close(), restored.close()]);
  });

  it("ranks a month and a range of days", async () => {
    const page = await context.newPage();
    const month =
      (await api<Top>("pageviews/top/en.wikipedia/all-access/2026/01/all-days"))?.[0]?.articles ?? [];
    await open(page, "topviews", { ...params, period: "month", month: "2026-01", limit: "50" });
    expect((await shownTable(page)).body.map((row) => shownNumber(row[2] as string))).toEqual(
      month.slice(0, 50).map((entry) => entry.views),
    );
    const range =
      (await api<Top>("pageviews/top/en.wikipedia/all-access/20260130/20260201"))?.[0]?.articles ?? [];
    await open(page, "topviews", { ...params, period: "range", start: "2026-01-30", end: "2026-02-01" });
    expect((await shownTable(page)).body.map((row) => shownNumber(row[2] as string))).toEqual(
      range.slice(0, 100).map((entry) => entry.views),
    );
    await page.close();
  });
});

describe("Siteviews", () => {
  it("draws each project split by access method, with the API's aggregate views", async () => {
    const page = await context.newPage();
    const projects = ["en.wikipedia", "all-projects"];
    const access = ["desktop", "mobile-web", "mobile-app"];
    const days = DAYS.slice(1);
    const state = await open(page, "siteviews", {
      projects: projects.join("|"),
      range: "custom",
      start: days[0] as string,
      end: days[2] as string,
      split: "access",
      agent: "user",
    });
    expect(state).toBe("ready");
    expect(await chartCounts(page)).toEqual({ series: projects.length * access.length, points: days.length });
    const table = await shownTable(page);
    let column = 1;
    for (const project of projects)
      for (const method of access) {
        expect(table.head[column]).toBe(`${project} · ${method}`);
        const items = await api<{ timestamp: string; views: number }>(
          `pageviews/aggregate/${project}/${method}/user/daily/2026013000/2026020100`,
        );
        expect(table.body.map((row) => shownNumber(row[column] as string))).toEqual(
          days.map(
            (day) => items?.find((item) => item.timestamp === `${day.replaceAll("-", "")}00`)?.views ?? 0,
          ),
        );
        column++;
      }
    await expectCsvEqualsTable(page);
    await page.close();
  });
});

describe("Countries", () => {
  it("tabulates the API's countries for a month and draws a bar for each", async () => {
    const page = await context.newPage();
    expect(await open(page, "countries", { project: "en.wikipedia", month: "2026-01" })).toBe("ready");
    const countries =
      (
        await api<{ countries: { country: string; views: string; rank: number; views_ceil: number }[] }>(
          "pageviews/top-by-country/en.wikipedia/all-access/2026/01",
        )
      )?.[0]?.countries ?? [];
    expect(countries.length).toBeGreaterThan(1);
    const table = await shownTable(page);
    expect(
      table.body.map((row) => [shownNumber(row[0] as string), row[2], row[3], shownNumber(row[4] as string)]),
    ).toEqual(countries.map((entry) => [entry.rank, entry.country, entry.views, entry.views_ceil]));
    expect(table.body[0]?.[1]).toBe("United States");
    const bars = Math.min(25, countries.length);
    expect(await chartCounts(page)).toEqual({ series: 1, points: bars });
    expect(await page.locator(".results .chart svg rect").count()).toBe(bars);
    await expectCsvEqualsTable(page);
    await page.close();
  });
});

describe("The dashboard", () => {
  it("switches views from its navigation and reads another API given as `api`", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}#/pageviews`);
    await settled(page);
    await page.getByRole("link", { name: "Countries" }).click();
    expect(await settled(page)).toBe("ready");
    expect(await page.getByRole("heading", { level: 2 }).textContent()).toBe("Countries");
    // The latest whole month of the data, from the API's availability.
    expect(await page.getByLabel("Month", { exact: true }).inputValue()).toBe("2026-01");

    const elsewhere = `${server.url}api/rest_v1/metrics`;
    expect(await open(page, "countries", { api: elsewhere, project: "en.wikipedia", month: "2026-01" })).toBe(
      "ready",
    );
    expect(page.url()).toContain(`api=${elsewhere}`);
    expect(await page.getByRole("link", { name: "Topviews" }).getAttribute("href")).toContain(
      `api=${elsewhere}`,
    );

    const unreachable = "http://127.0.0.1:9/api/rest_v1/metrics";
    expect(
      await open(page, "countries", { api: unreachable, project: "en.wikipedia", month: "2026-01" }),
    ).toBe("error");
    expect(await page.getByRole("alert").textContent()).toBe(`Could not reach the API at ${unreachable}.`);
    await page.close();
  });

  it("fits a phone's screen in every view", async () => {
    const phone = await browser.newContext({
      locale: "en-US",
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    phone.on("page", watch);
    const page = await phone.newPage();
    const views = {
      pageviews: {
        pages: "Main_Page|Deaths_in_2026",
        range: "custom",
        start: "2026-01-30",
        end: "2026-02-01",
      },
      topviews: { date: "2026-01-31" },
      siteviews: {
        projects: "en.wikipedia|de.wikipedia",
        range: "custom",
        start: "2026-01-30",
        end: "2026-02-01",
      },
      countries: { month: "2026-01" },
    };
    for (const [view, params] of Object.entries(views)) {
      expect(await open(page, view, params)).toBe("ready");
      const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow, view).toBeLessThanOrEqual(0);
    }
    await phone.close();
  });

  it("ran without console errors (a CSP violation would be one)", () => {
    expect(pageErrors).toEqual([]);
  });
});
