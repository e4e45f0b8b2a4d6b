import { describe, expect, it } from "vitest";
import { toCsv } from "./csv-output.ts";

describe("toCsv", () => {
  it("writes one row per item, columns in the items' key order", () => {
    expect(
      toCsv([
        { project: "en.wikipedia", timestamp: "2026020100", views: 3 },
        { project: "en.wikipedia", timestamp: "2026020200", views: 0 },
      ]),
    ).toBe("project,timestamp,views\r\nen.wikipedia,2026020100,3\r\nen.wikipedia,2026020200,0\r\n");
  });

  it("expands an item's list into rows that repeat the item's fields", () => {
    expect(
      toCsv([
        {
          project: "p",
          day: "01",
          articles: [
            { article: "A", rank: 1 },
            { article: "B", rank: 2 },
          ],
        },
      ]),
    ).toBe("project,day,article,rank\r\np,01,A,1\r\np,01,B,2\r\n");
  });

  it("quotes fields with commas, quotes and line breaks (RFC 4180), and keeps other text as is", () => {
    expect(toCsv([{ article: 'Hello,_"World"' }, { article: "Line\nbreak" }, { article: "=1+1" }])).toBe(
      'article\r\n"Hello,_""World"""\r\n"Line\nbreak"\r\n=1+1\r\n',
    );
  });

  it("writes plain values of a listing under `value`", () => {
    expect(toCsv(["per-article", "top"])).toBe("value\r\nper-article\r\ntop\r\n");
  });
});
