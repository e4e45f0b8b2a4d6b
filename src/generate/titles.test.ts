import { describe, expect, it } from "vitest";
import {
  commons,
  deWikipedia,
  enWikipedia,
  frWikipedia,
  jaWikipedia,
  projects,
  wikidata,
} from "./projects.ts";
import { encodeTitle, PatternComposer } from "./titles.ts";

describe("title spaces", () => {
  it.each([enWikipedia, deWikipedia, frWikipedia, jaWikipedia].map((p) => [p.name, p]))(
    "%s has a million distinct titles",
    (_, project) => {
      const titles = new Set<string>();
      for (let rank = 1; rank <= 1_000_000; rank++) titles.add(project.titles.title(rank));
      expect(titles.size).toBe(1_000_000);
    },
  );

  it("puts the main page first", () => {
    expect(enWikipedia.titles.title(1)).toBe("Main_Page");
    expect(deWikipedia.titles.title(1)).toBe("Wikipedia:Hauptseite");
    expect(deWikipedia.titles.namespace(1)).toBe(4);
    expect(jaWikipedia.titles.title(1)).toBe("メインページ");
  });

  it("derives the same title, page id and namespace from a rank every time", () => {
    const rank = 1_234_567;
    const title = enWikipedia.titles.title(rank);
    expect(enWikipedia.titles.title(rank)).toBe(title);
    expect(enWikipedia.titles.pageId(rank)).toBe(enWikipedia.titles.pageId(rank));
    expect(enWikipedia.titles.pathTitle(rank)).toBe(encodeTitle(title));
  });

  it("gives distinct page ids to distinct titles", () => {
    for (const project of projects) {
      const ids = new Set<number>();
      for (let rank = 1; rank <= 50_000; rank++) ids.add(project.titles.pageId(rank));
      expect(ids.size, project.name).toBe(50_000);
    }
  });

  it("composes real-looking titles with spaces as underscores", () => {
    const sample = Array.from({ length: 20_000 }, (_, i) => enWikipedia.titles.title(100 + i * 97));
    expect(sample.every((t) => !t.includes(" ") && !t.startsWith("_") && !t.endsWith("_"))).toBe(true);
    expect(sample.some((t) => t.includes("/"))).toBe(true);
    expect(sample.some((t) => /[à-ž]/.test(t))).toBe(true);
    expect(sample.some((t) => /^List_of_/.test(t))).toBe(true);
    expect(sample.some((t) => /_\(film\)$/.test(t))).toBe(true);
  });

  it("uses namespaces: files and categories on Commons, items on Wikidata", () => {
    const files = Array.from({ length: 1000 }, (_, i) => 10 + i).filter(
      (r) => commons.titles.namespace(r) === 6,
    );
    expect(files.length).toBeGreaterThan(800);
    expect(files.every((r) => commons.titles.title(r).startsWith("File:"))).toBe(true);
    expect(wikidata.titles.title(5000)).toMatch(/^Q\d+$/);
  });

  it("throws outside the space", () => {
    expect(() => enWikipedia.titles.title(0)).toThrow(RangeError);
    expect(() => enWikipedia.titles.title(enWikipedia.titles.size + 1)).toThrow(RangeError);
  });
});

describe("encodeTitle", () => {
  it("percent-encodes as MediaWiki links do, keeping / : , ; @ $ and parentheses", () => {
    expect(encodeTitle("AC/DC")).toBe("AC/DC");
    expect(encodeTitle("Hôtel_de_Ville,_Paris")).toBe("H%C3%B4tel_de_Ville,_Paris");
    expect(encodeTitle("Wikipedia:Hauptseite")).toBe("Wikipedia:Hauptseite");
    expect(encodeTitle("AT&T")).toBe("AT%26T");
    expect(encodeTitle("C++")).toBe("C%2B%2B");
    expect(encodeTitle("50/50_(2011_film)")).toBe("50/50_(2011_film)");
    expect(encodeTitle("日本")).toBe("%E6%97%A5%E6%9C%AC");
    expect(encodeTitle("Who?")).toBe("Who%3F");
  });
});

describe("PatternComposer", () => {
  it("refuses word lists with repeats, which would repeat titles", () => {
    expect(
      () => new PatternComposer(2, [{ share: 1, lists: [["a", "a"]], render: ([a]) => a as string }]),
    ).toThrow(/repeats/);
  });

  it("refuses a size its patterns cannot fill", () => {
    expect(
      () => new PatternComposer(5, [{ share: 1, lists: [["a", "b"]], render: ([a]) => a as string }]),
    ).toThrow(/only 2 of 5/);
  });
});
