import { formatNumber, h } from "./dom.ts";
import type { Cell, Column, TableModel } from "./table-model.ts";

/** A table model on screen: a scrollable region on narrow screens, the first column as row headers. */

export interface TableOptions {
  /** A control at the end of each body row (e.g. "hide"); not part of the model, so never exported. */
  rowAction?: { label: string; render: (rowIndex: number) => HTMLElement };
  /** Richer content for a cell than its text (e.g. a flag badge); the model's value is what is exported. */
  renderCell?: (columnIndex: number, cell: Cell) => Node | null;
}

export function renderTable(model: TableModel, options: TableOptions = {}): HTMLElement {
  const cell = (tag: "td" | "th", column: Column | undefined, value: Cell, columnIndex: number) => {
    const numeric = column?.format === "number" && typeof value === "number";
    const element = h(tag, { class: numeric ? "num" : undefined, scope: tag === "th" ? "row" : undefined });
    const rich = options.renderCell?.(columnIndex, value) ?? null;
    if (rich !== null) element.append(rich);
    else element.textContent = value === null ? "" : numeric ? formatNumber(value) : String(value);
    return element;
  };
  const row = (values: Cell[], rowIndex: number | null) => {
    const tr = h(
      "tr",
      {},
      ...values.map((value, i) => cell(i === 0 ? "th" : "td", model.columns[i], value, i)),
    );
    if (options.rowAction !== undefined)
      tr.append(h("td", { class: "action" }, rowIndex === null ? "" : options.rowAction.render(rowIndex)));
    return tr;
  };

  const header = h(
    "tr",
    {},
    ...model.columns.map((column) =>
      h("th", { scope: "col", class: column.format === "number" ? "num" : undefined }, column.label),
    ),
  );
  if (options.rowAction !== undefined)
    header.append(
      h(
        "th",
        { scope: "col", class: "action" },
        h("span", { class: "visually-hidden" }, options.rowAction.label),
      ),
    );

  const table = h(
    "table",
    {},
    h("caption", {}, model.caption),
    h("thead", {}, header),
    h("tbody", {}, ...model.rows.map((values, i) => row(values, i))),
  );
  if (model.footer.length > 0)
    table.append(h("tfoot", {}, ...model.footer.map((values) => row(values, null))));
  return h("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": model.caption }, table);
}
