import { beforeAll, describe, expect, it } from "vitest";
import { clickHouseUnavailable } from "../../test/support/clickhouse-cluster.ts";
import { testCluster } from "../../test/support/store-factories.ts";
import { sqlIdentifier, sqlList, sqlValue } from "./clickhouse-sql.ts";

const AWKWARD = [
  "",
  "plain",
  "O'Brien",
  "''",
  "\\",
  "ends with a backslash\\",
  "\\'",
  "back`tick",
  "nul\u0000inside",
  "line\nbreak\r\n",
  "tab\there",
  "\b\f\v\u0001\u001f\u007f",
  "100%00_sure %s %d",
  "Ünïcødé_🐈_日本語",
  "'; DROP TABLE pageview_hourly; --",
  "x' OR '1'='1",
  "$1 ? :name {x:String}",
];

describe("sqlValue", () => {
  it("quotes strings, escaping backslashes and quotes before anything else", () => {
    expect(sqlValue("O'Brien")).toBe("'O\\'Brien'");
    expect(sqlValue("a\\b")).toBe("'a\\\\b'");
    expect(sqlValue("\\'")).toBe("'\\\\\\''");
    expect(sqlValue("nul\u0000")).toBe("'nul\\0'");
    expect(sqlValue("a\nb\tc")).toBe("'a\\nb\\tc'");
    expect(sqlValue("100%")).toBe("'100%'");
    expect(sqlValue("🐈")).toBe("'🐈'");
  });

  it("writes integers as they are and refuses other numbers", () => {
    expect(sqlValue(2026020310)).toBe("2026020310");
    expect(sqlValue(-3)).toBe("-3");
    expect(() => sqlValue(1.5)).toThrow(RangeError);
    expect(() => sqlValue(Number.NaN)).toThrow(RangeError);
    expect(() => sqlValue(2 ** 60)).toThrow(RangeError);
  });

  it("writes null as NULL and refuses what is not a value", () => {
    expect(sqlValue(null)).toBe("NULL");
    expect(() => sqlValue({} as unknown as string)).toThrow(TypeError);
  });

  it("lists values for IN, refusing an empty list", () => {
    expect(sqlList(["a'", 1])).toBe("('a\\'', 1)");
    expect(() => sqlList([])).toThrow(RangeError);
  });

  it("back-quotes identifiers, escaping back-quotes", () => {
    expect(sqlIdentifier("pageviews")).toBe("`pageviews`");
    expect(sqlIdentifier("we`ird")).toBe("`we\\`ird`");
    expect(() => sqlIdentifier("")).toThrow(RangeError);
  });
});

describe.skipIf(clickHouseUnavailable() !== null)("sqlValue on a ClickHouse server", () => {
  let url: string;
  beforeAll(async () => {
    url = (await testCluster()).shardUrls[0] ?? "";
  });

  async function roundTrip(sql: string): Promise<string[]> {
    const response = await fetch(`${url}/`, { method: "POST", body: `${sql} FORMAT JSONEachRow` });
    const body = await response.text();
    if (!response.ok) throw new Error(body);
    return body
      .trim()
      .split("\n")
      .map((line) => Object.values(JSON.parse(line) as Record<string, string>)[0] ?? "");
  }

  it("reads every awkward string back as it was written", async () => {
    const sql = AWKWARD.map((text) => `SELECT ${sqlValue(text)} AS v`).join(" UNION ALL ");
    const values = await roundTrip(`SELECT v FROM (${sql}) ORDER BY v`);
    expect(values).toEqual([...AWKWARD].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it("compares an escaped literal equal to the same text, byte for byte", async () => {
    for (const text of AWKWARD) {
      const [length] = await roundTrip(`SELECT length(${sqlValue(text)}) AS n`);
      expect(Number(length), JSON.stringify(text)).toBe(Buffer.byteLength(text));
    }
  });

  it("names a table whatever its identifier holds", async () => {
    const [value] = await roundTrip(`SELECT 1 AS ${sqlIdentifier("we`ird 'name")}`);
    expect(value).toBe(1);
  });
});
