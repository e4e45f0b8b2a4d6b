import { describe, expect, it } from "vitest";
import { perArticleJson } from "./per-article-json.ts";

describe("the per-article body", () => {
  it("is what JSON.stringify writes, for titles that need escaping too", () => {
    const views = [
      { timestamp: "2026110100", views: 0 },
      { timestamp: "2026110200", views: 16_357_307 },
    ];
    for (const article of ['Say_"hi"', "Back\\slash", "Tab\tand\u0001", "Ünïcödé_日本_🐈", "AC/DC?%"]) {
      const fields = {
        project: "en.wikipedia",
        article,
        granularity: "daily",
        access: "all-access",
        agent: "user",
      };
      const items = views.map(({ timestamp, views }) => ({
        project: fields.project,
        article,
        granularity: fields.granularity,
        timestamp,
        access: fields.access,
        agent: fields.agent,
        views,
      }));
      expect(perArticleJson(fields, views)).toBe(JSON.stringify({ items }));
    }
  });

  it("writes an empty list as JSON.stringify does", () => {
    const fields = { project: "p", article: "a", granularity: "monthly", access: "desktop", agent: "spider" };
    expect(perArticleJson(fields, [])).toBe('{"items":[]}');
  });
});
