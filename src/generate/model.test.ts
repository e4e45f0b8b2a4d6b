import { describe, expect, it } from "vitest";
import { accessMethod } from "../definition/access-method.ts";
import { isPageview, isRedirectToPageview, pageviewInfo } from "../definition/pageview.ts";
import { isSpider } from "../definition/spider.ts";
import { parseXAnalytics } from "../definition/x-analytics.ts";
import { generateRequests } from "./model.ts";
import type { GeneratedRequest } from "./requests.ts";

const start = new Date("2026-07-12T14:00:00Z");
const sample: GeneratedRequest[] = [...generateRequests({ seed: 7, start, hours: 1, lines: 50_000 })];

function share(
  predicate: (r: GeneratedRequest) => boolean,
  of: readonly GeneratedRequest[] = sample,
): number {
  return of.filter(predicate).length / of.length;
}

const verdicts = new Map(
  sample.map((r) => {
    const xAnalytics = parseXAnalytics(r.x_analytics);
    return [
      r,
      { pageview: isPageview(r, xAnalytics), access: accessMethod(r.user_agent, xAnalytics) },
    ] as const;
  }),
);
const pageviews = sample.filter((r) => verdicts.get(r)?.pageview);

describe("generateRequests", () => {
  it("gives the same requests for the same options and different ones for another seed", () => {
    const again = [...generateRequests({ seed: 7, start, hours: 1, lines: 2_000 })];
    const same = [...generateRequests({ seed: 7, start, hours: 1, lines: 2_000 })];
    const other = [...generateRequests({ seed: 8, start, hours: 1, lines: 2_000 })];
    expect(same).toEqual(again);
    expect(other).not.toEqual(again);
    expect(other.map((r) => r.uri_path)).not.toEqual(again.map((r) => r.uri_path));
  });

  it("yields exactly the requested number of lines", () => {
    for (const lines of [0, 1, 999, 12_345]) {
      expect([...generateRequests({ seed: 1, start, hours: 3, lines })]).toHaveLength(lines);
    }
  });

  it("yields requests in time order within [start, start + hours)", () => {
    const requests = [...generateRequests({ seed: 3, start, hours: 5, lines: 20_000 })];
    const times = requests.map((r) => Date.parse(r.dt));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start.getTime());
    expect(Math.max(...times)).toBeLessThan(start.getTime() + 5 * 3_600_000);
    expect(requests.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.dt))).toBe(true);
  });

  it("follows the requested average rate", () => {
    // 14:00 UTC is near the daily peak, so the hour carries more than the average.
    const requests = [...generateRequests({ seed: 1, start, hours: 1, rate: 5 })];
    expect(requests.length).toBeGreaterThan(5 * 3600);
    expect(requests.length).toBeLessThan(5 * 3600 * 1.6);
  });

  it("keeps each cache host's sequence numbers increasing and unique", () => {
    const last = new Map<string, number>();
    for (const r of sample) {
      expect(r.sequence).toBeGreaterThan(last.get(r.hostname) ?? -1);
      last.set(r.hostname, r.sequence);
    }
  });

  it("rejects invalid options", () => {
    const first = (options: Parameters<typeof generateRequests>[0]) => generateRequests(options).next();
    expect(() => first({ seed: 1, start, hours: 0 })).toThrow(/hours/);
    expect(() => first({ seed: 1, start, hours: 1, lines: 5, rate: 5 })).toThrow(/either/);
    expect(() => first({ seed: 1, start, hours: 1, lines: -1 })).toThrow(/lines/);
    expect(() => first({ seed: 1, start: new Date("nope"), hours: 1 })).toThrow(/start/);
  });
});

describe("the generated traffic, as the pageview definition sees it", () => {
  it("has 30 to 40 % requests that are not pageviews", () => {
    expect(1 - pageviews.length / sample.length).toBeGreaterThan(0.3);
    expect(1 - pageviews.length / sample.length).toBeLessThan(0.4);
  });

  it("has redirects to pageviews", () => {
    const redirects = sample.filter((r) => isRedirectToPageview(r, parseXAnalytics(r.x_analytics)));
    expect(redirects.length).toBeGreaterThan(100);
    expect(redirects.every((r) => ["301", "302"].includes(r.http_status))).toBe(true);
  });

  it("splits pageviews about 40/55/5 between desktop, mobile web and the apps", () => {
    const access = (method: string) => share((r) => verdicts.get(r)?.access === method, pageviews);
    expect(access("desktop")).toBeGreaterThan(0.33);
    expect(access("desktop")).toBeLessThan(0.47);
    expect(access("mobile web")).toBeGreaterThan(0.48);
    expect(access("mobile web")).toBeLessThan(0.62);
    expect(access("mobile app")).toBeGreaterThan(0.03);
    expect(access("mobile app")).toBeLessThan(0.08);
  });

  it("has 5 to 10 % self-declared crawlers", () => {
    const spiders = share((r) => isSpider(r.user_agent));
    expect(spiders).toBeGreaterThan(0.05);
    expect(spiders).toBeLessThan(0.1);
    expect(sample.some((r) => r.user_agent.includes("Googlebot"))).toBe(true);
    expect(sample.some((r) => r.user_agent.includes("bingbot"))).toBe(true);
  });

  it("reads all seven wikis, English Wikipedia most", () => {
    const projects = new Map<string, number>();
    for (const r of pageviews) {
      const project = pageviewInfo(r).project;
      projects.set(project, (projects.get(project) ?? 0) + 1);
    }
    const names = [...projects.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        "en.wikipedia",
        "de.wikipedia",
        "fr.wikipedia",
        "ja.wikipedia",
        "en.wiktionary",
        "commons.wikimedia",
        "wikidata",
      ]),
    );
    const sorted = [...projects].sort((a, b) => b[1] - a[1]);
    expect(sorted[0]?.[0]).toBe("en.wikipedia");
    expect((sorted[0]?.[1] ?? 0) / pageviews.length).toBeGreaterThan(0.3);
  });

  it("has titles with slashes, %2F, unicode and Japanese, and main page hits", () => {
    const titles = pageviews.map((r) => pageviewInfo(r).pageTitle);
    expect(titles.some((t) => t === "AC/DC")).toBe(true);
    expect(pageviews.some((r) => r.uri_path.includes("%2F"))).toBe(true);
    expect(titles.some((t) => /[éüöß]/.test(t))).toBe(true);
    expect(titles.some((t) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(titles.filter((t) => t === "Main_Page").length).toBeGreaterThan(50);
    expect(new Set(titles).size).toBeGreaterThan(titles.length / 3);
  });

  it("tags pageviews with a page id that is stable per title", () => {
    const ids = new Map<string, string>();
    for (const r of pageviews) {
      const x = parseXAnalytics(r.x_analytics);
      const pageId = x.get("page_id");
      if (pageId === undefined) continue;
      const key = `${r.uri_host.replace(".m.", ".")} ${pageviewInfo(r).pageTitle}`;
      expect(ids.get(key) ?? pageId).toBe(pageId);
      ids.set(key, pageId);
    }
    expect(ids.size).toBeGreaterThan(1000);
  });

  it("has the non-pageview requests a real log has", () => {
    const has = (predicate: (r: GeneratedRequest) => boolean) => expect(sample.some(predicate)).toBe(true);
    has((r) => r.uri_path === "/w/api.php");
    has((r) => r.uri_path === "/w/load.php" && r.content_type.startsWith("text/javascript"));
    has((r) => r.uri_host === "upload.wikimedia.org" && r.content_type.startsWith("image/"));
    has((r) => r.http_status === "404");
    has((r) => r.http_status === "301" && r.content_type.startsWith("text/html"));
    has((r) => r.uri_query.includes("action=edit"));
    has((r) => r.uri_query.includes("action=submit") && r.http_method === "POST");
    has((r) => r.x_analytics.includes("preview=1"));
    has((r) => r.x_analytics.includes("special=Search"));
    has((r) => r.uri_query.includes("action=history"));
    has((r) => r.uri_path === "/w/index.php" && r.uri_query.includes("&diff="));
    has((r) => r.ip.startsWith("10."));
    has((r) => r.ip.includes(":"));
  });

  it("has app pageviews on REST mobile-html", () => {
    const app = pageviews.filter((r) => verdicts.get(r)?.access === "mobile app");
    expect(app.every((r) => r.user_agent.startsWith("WikipediaApp/7."))).toBe(true);
    expect(app.every((r) => r.uri_path.startsWith("/api/rest_v1/page/mobile-html/"))).toBe(true);
    expect(app.every((r) => r.x_analytics.startsWith("pageview=1;"))).toBe(true);
  });

  it("has entry referers from search engines, chatbots and nowhere, and internal ones after", () => {
    const has = (pattern: RegExp) => expect(sample.some((r) => pattern.test(r.referer))).toBe(true);
    has(/^https:\/\/www\.google\.[a-z.]+\/$/);
    has(/^https:\/\/www\.bing\.com\/$/);
    has(/^https:\/\/duckduckgo\.com\/$/);
    has(/^https:\/\/chatgpt\.com\/$/);
    has(/^https:\/\/[a-z.]+\.wikipedia\.org\/wiki\//);
    has(/^-$/);
  });

  it("has automated actors: single address and agent pairs above 30 requests a minute", () => {
    const byActor = new Map<string, number[]>();
    for (const r of pageviews) {
      if (isSpider(r.user_agent)) continue;
      const key = `${r.ip} ${r.user_agent}`;
      const times = byActor.get(key) ?? [];
      times.push(Date.parse(r.dt) / 1000);
      byActor.set(key, times);
    }
    const fast = [...byActor].filter(([, times]) => {
      const span = (times.at(-1) as number) - (times[0] as number);
      return times.length >= 200 && span > 0 && (times.length / span) * 60 >= 30;
    });
    expect(fast.length).toBeGreaterThanOrEqual(1);
    // Readers stay far below: none reaches 100 requests.
    const humans = [...byActor].filter(([, times]) => times.length < 200);
    expect(Math.max(...humans.map(([, times]) => times.length))).toBeLessThan(100);
  });

  it("has a diff ring: several addresses of one country reading the same diffs without the history", () => {
    const diffReaders = new Map<string, Set<string>>();
    const historyReaders = new Set<string>();
    for (const r of sample) {
      const title = /[?&]title=([^&]+)/.exec(r.uri_query)?.[1];
      if (!title) continue;
      if (r.uri_query.includes("action=history")) historyReaders.add(`${r.ip} ${title}`);
      if (r.uri_query.includes("&diff=")) {
        const ips = diffReaders.get(title) ?? new Set();
        ips.add(r.ip);
        diffReaders.set(title, ips);
      }
    }
    const ringed = [...diffReaders].filter(
      ([title, ips]) => [...ips].filter((ip) => !historyReaders.has(`${ip} ${title}`)).length >= 3,
    );
    expect(ringed.length).toBeGreaterThanOrEqual(1);
  });
});
