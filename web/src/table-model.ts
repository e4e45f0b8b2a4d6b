/**
 * What a view's table shows, as data: rendered by table.ts, and exported as CSV and JSON from the same
 * model, so that an export holds exactly what is on screen. Pure, no DOM.
 */

export type Cell = string | number | null;

/** Numbers are displayed with the reader's digit grouping; exports keep the plain value. */
export type CellFormat = "text" | "number";

export interface Column {
  label: string;
  format: CellFormat;
}

export interface TableModel {
  caption: string;
  columns: Column[];
  rows: Cell[][];
  /** Summary rows under the body (totals, averages); exported after the rows. */
  footer: Cell[][];
}

export interface ExportMeta {
  view: string;
  permalink: string;
  api: string;
}

/** RFC 4180, with CRLF line ends like the API's own CSV: the header, the rows, then the footer rows. */
export function tableToCsv(table: TableModel): string {
  const lines = [table.columns.map((column) => csvField(column.label))];
  for (const row of [...table.rows, ...table.footer]) lines.push(row.map(csvField));
  return `${lines.map((line) => line.join(",")).join("\r\n")}\r\n`;
}

/** The rows as objects keyed by the columns' labels, with where they came from. */
export function tableToJson(table: TableModel, meta: ExportMeta): string {
  const labels = table.columns.map((column) => column.label);
  const asObject = (row: Cell[]) => Object.fromEntries(labels.map((label, i) => [label, row[i] ?? null]));
  const body = {
    ...meta,
    caption: table.caption,
    columns: labels,
    rows: table.rows.map(asObject),
    footer: table.footer.map(asObject),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function csvField(cell: Cell): string {
  const text = cell === null ? "" : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
