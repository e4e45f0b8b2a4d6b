import { describe, expect, it } from "vitest";
import { type TableModel, tableToCsv, tableToJson } from "../../web/src/table-model.ts";

const table: TableModel = {
  caption: "Views",
  columns: [
    { label: "Article", format: "text" },
    { label: "Views", format: "number" },
  ],
  rows: [
    ["Hexton, Queensland", 14],
    ['The "Quoted" One', 3],
  ],
  footer: [["Total", 17]],
};

describe("exports of a table", () => {
  it("writes RFC 4180 CSV: the header, the rows, then the footer", () => {
    expect(tableToCsv(table)).toBe(
      'Article,Views\r\n"Hexton, Queensland",14\r\n"The ""Quoted"" One",3\r\nTotal,17\r\n',
    );
  });

  it("writes JSON rows keyed by the columns' labels, with where they came from", () => {
    const json = JSON.parse(
      tableToJson(table, { view: "topviews", permalink: "http://x/#/topviews", api: "http://x/api" }),
    );
    expect(json).toMatchObject({ view: "topviews", caption: "Views", columns: ["Article", "Views"] });
    expect(json.rows).toEqual([
      { Article: "Hexton, Queensland", Views: 14 },
      { Article: 'The "Quoted" One', Views: 3 },
    ]);
    expect(json.footer).toEqual([{ Article: "Total", Views: 17 }]);
  });
});
