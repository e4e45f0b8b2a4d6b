import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { parseXAnalytics, sanitizeWprov } from "./x-analytics.ts";

describe("parseXAnalytics", () => {
  describe("Wikimedia's x_analytics_test_data.csv", () => {
    const cases = readConformanceCsv("x_analytics_test_data.csv").map(
      ([description, expected, header, key]) => ({
        description,
        expected,
        header,
        key: key ?? "",
      }),
    );

    it.each(cases)("$description", ({ expected, header, key }) => {
      expect(parseXAnalytics(header).get(key) ?? "").toBe(expected);
    });
  });

  it.each([null, undefined, "", "-"])("treats %j as an absent header: an empty map", (header) => {
    expect(parseXAnalytics(header).size).toBe(0);
  });

  it("splits pairs on ';' and each pair on its first '='", () => {
    const map = parseXAnalytics("ns=0;page_id=15580374;https=1;q=a=b");
    expect([...map]).toEqual([
      ["ns", "0"],
      ["page_id", "15580374"],
      ["https", "1"],
      ["q", "a=b"],
    ]);
  });

  it("gives a pair without '=' the value \"\"", () => {
    expect(parseXAnalytics("nocookies;https=1").get("nocookies")).toBe("");
  });

  it("keeps the last value of a repeated key", () => {
    expect(parseXAnalytics("pageview=0;pageview=1").get("pageview")).toBe("1");
  });

  it("does not trim keys or values", () => {
    const map = parseXAnalytics(" special=Search; pageview= 1 ");
    expect(map.get("special")).toBeUndefined();
    expect(map.get(" special")).toBe("Search");
    expect(map.get(" pageview")).toBe(" 1 ");
  });

  it("keeps the empty pairs str_to_map produces around stray ';'", () => {
    const map = parseXAnalytics(";special=ConfirmEmail;");
    expect(map.get("")).toBe("");
    expect(map.get("special")).toBe("ConfirmEmail");
    expect(map.size).toBe(2);
  });

  describe("reading single keys gives what the map of all pairs holds", () => {
    const headers = [
      "a=1;a=2",
      "a;a=1",
      "a=1;a",
      "xa=1;a=2",
      "a=1;ba=2;ab=3",
      "a=b=c",
      ";a=;",
      "a",
      " a=1",
      "a==;b",
    ];
    const keys = ["a", "b", "ab", "ba", "xa", " a", "", "a=b", "a;", "c"];
    it.each(headers)("%j", (header) => {
      const everyPair = new Map(parseXAnalytics(header));
      for (const key of keys) expect(parseXAnalytics(header).get(key), key).toBe(everyPair.get(key));
    });
  });

  it("sanitises wprov before splitting", () => {
    expect(parseXAnalytics("wprov=sfla1%2Fwiki%2FFoo;https=1").get("wprov")).toBe("sfla1");
  });
});

describe("sanitizeWprov", () => {
  it.each([
    ["wprov=sfla1", "wprov=sfla1"],
    ["https=1;wprov=srpw1_0;ns=0", "https=1;wprov=srpw1;ns=0"],
    ["wprov=sfti1https://en.wikipedia.org/wiki/Foo", "wprov=sfti1"],
    ["wprov=sfti1HTTPS://example.org", "wprov=sfti1"],
    ["wprov=acrw1%20extra", "wprov=acrw1"],
    ["wprov=abc1/wiki/Foo", "wprov=abc1"],
  ])("reduces %j to the provenance code", (header, expected) => {
    expect(sanitizeWprov(header)).toBe(expected);
  });

  it("drops whitespace around the key and '=' but keeps the key's case", () => {
    expect(sanitizeWprov("ns=0; WProv = abc1 ;https=1")).toBe("ns=0;WProv=abc1;https=1");
  });

  it("keeps a value that starts with http, since only an embedded http is cut", () => {
    expect(sanitizeWprov("wprov=httpabc")).toBe("wprov=httpabc");
  });

  it("ends the code at the first character outside [a-z0-9], upper case included", () => {
    expect(sanitizeWprov("wprov=ABC1")).toBe("wprov=");
    expect(sanitizeWprov("wprov=ab-c1")).toBe("wprov=ab");
  });

  it("rewrites every wprov pair", () => {
    expect(sanitizeWprov("wprov=a1_x;wprov=b2_y")).toBe("wprov=a1;wprov=b2");
  });

  it("leaves other keys alone, even ones ending in wprov", () => {
    expect(sanitizeWprov("xwprov=a_b;special=Search")).toBe("xwprov=a_b;special=Search");
  });
});
