import { describe, expect, it } from "vitest";
import {
  type ArticleViews,
  DomainCodeReader,
  pageviewsLines,
  parseHourlyLine,
  projectviewsLines,
} from "./hourly-lines.ts";

/** The spec's domain-code examples as an hour of views, in no particular order. */
const HOUR: ArticleViews[] = [
  { project: "zh-min-nan.wikipedia", article: "Thâu-ia̍h", access_method: "mobile app", views: 4 },
  { project: "en.wikipedia", article: "Main_Page", access_method: "desktop", views: 242_330 },
  { project: "wikidata", article: "Q42", access_method: "desktop", views: 7 },
  { project: "commons.wikimedia", article: "File:A.jpg", access_method: "mobile web", views: 2 },
  { project: "en.wikipedia", article: "Main_Page", access_method: "desktop", views: 2 },
  { project: "en.wikipedia", article: "Horseshoe_crab", access_method: "mobile web", views: 9 },
  { project: "en.wikipedia", article: "Main_Page", access_method: "mobile web", views: 5 },
  { project: "de.wikivoyage", article: "Berlin", access_method: "desktop", views: 3 },
  { project: "en.wikipedia", article: 'Dijkstra\'s_"algorithm"', access_method: "desktop", views: 1 },
];

describe("pageviewsLines", () => {
  it("writes one line per domain code and title, summed, sorted by code then title", () => {
    expect(pageviewsLines(HOUR).join("")).toBe(
      [
        "commons.m.m File:A.jpg 2 0",
        "de.voy Berlin 3 0",
        'en "Dijkstra\'s_\\"algorithm\\"" 1 0',
        "en Main_Page 242332 0",
        "en.m Horseshoe_crab 9 0",
        "en.m Main_Page 5 0",
        "www.wd Q42 7 0",
        "zh-min-nan.m Thâu-ia̍h 4 0",
        "",
      ].join("\n"),
    );
  });

  it("writes a project the dumps have no code for with an empty first field, first", () => {
    const lines = pageviewsLines([
      { project: "en.wikipedia", article: "A", access_method: "desktop", views: 1 },
      { project: "wikifunctions", article: "Z801", access_method: "desktop", views: 2 },
    ]);
    expect(lines).toEqual([" Z801 2 0\n", "en A 1 0\n"]);
  });
});

describe("projectviewsLines", () => {
  it("sums each domain code under the title -", () => {
    expect(projectviewsLines(HOUR).join("")).toBe(
      "commons.m.m - 2 0\nde.voy - 3 0\nen - 242333 0\nen.m - 14 0\nwww.wd - 7 0\nzh-min-nan.m - 4 0\n",
    );
  });
});

describe("parseHourlyLine", () => {
  it("reads back what pageviewsLines writes, quoted titles included", () => {
    const reader = new DomainCodeReader();
    const written = pageviewsLines(HOUR);
    const readBack = written.map((line) => {
      const parsed = parseHourlyLine(line.slice(0, -1));
      const project = reader.read(parsed?.code ?? "");
      if (parsed === null || project === null) throw new Error(`not read back: ${line}`);
      return { ...project, article: parsed.title, views: parsed.views };
    });
    expect(pageviewsLines(readBack)).toEqual(written);
    expect(parseHourlyLine('en "Dijkstra\'s_\\"algorithm\\"" 1 0')).toEqual({
      code: "en",
      title: 'Dijkstra\'s_"algorithm"',
      views: 1,
    });
  });

  it("reads a legacy pagecounts line, whose 4th field is bytes", () => {
    expect(parseHourlyLine("en Main_Page 242332 4737756101")).toEqual({
      code: "en",
      title: "Main_Page",
      views: 242332,
    });
  });

  it("is null for lines of another shape", () => {
    for (const line of [
      "",
      "en Main_Page 5",
      "en Main_Page 5 0 0",
      "en  5 0",
      "en A x 0",
      "en A 0 0",
      " A 1 0",
      "en A 1 0 ",
      "en A -1 0",
    ]) {
      expect(parseHourlyLine(line), JSON.stringify(line)).toBeNull();
    }
  });
});

describe("DomainCodeReader", () => {
  it("maps the spec's codes back, mobile as mobile web", () => {
    const reader = new DomainCodeReader();
    expect(reader.read("en")).toEqual({ project: "en.wikipedia", access_method: "desktop" });
    expect(reader.read("en.m")).toEqual({ project: "en.wikipedia", access_method: "mobile web" });
    expect(reader.read("de.voy")).toEqual({ project: "de.wikivoyage", access_method: "desktop" });
    expect(reader.read("commons.m.m")).toEqual({ project: "commons.wikimedia", access_method: "mobile web" });
    expect(reader.read("www.wd")).toEqual({ project: "wikidata", access_method: "desktop" });
    expect(reader.read("zh-min-nan.m")).toEqual({
      project: "zh-min-nan.wikipedia",
      access_method: "mobile web",
    });
  });

  it("falls back to pagecounts-ez codes, and ignores the mobile totals", () => {
    const reader = new DomainCodeReader();
    expect(reader.read("en.z")).toEqual({ project: "en.wikipedia", access_method: "desktop" });
    expect(reader.read("fr.y")).toEqual({ project: "fr.wikipedia", access_method: "desktop" });
    expect(reader.read("en.mw")).toBeNull();
    expect(reader.read("en.x")).toBeNull();
  });
});
