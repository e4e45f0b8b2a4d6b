import { ApiError, NoDataError } from "./api.ts";
import { h } from "./dom.ts";
import { renderTable, type TableOptions } from "./table.ts";
import { type ExportMeta, type TableModel, tableToCsv, tableToJson } from "./table-model.ts";

/**
 * A view's answer area: loading, empty, "no data" and error states; the chart, the table under it, and
 * the permalink and exports of exactly what the table shows. A new request cancels the one before it.
 */

export interface Outcome {
  table: TableModel;
  tableOptions?: TableOptions;
  /** Draws the chart into the container; answers a function that removes it. */
  draw(container: HTMLElement): () => void;
  /** Remarks shown above the chart (e.g. which articles had no data). */
  notes?: string[];
}

/** An answer with nothing to draw: nothing asked yet, or an impossible request caught before asking. */
export interface Message {
  message: string;
}

export interface ResultsOptions {
  /** The file name of exports, without extension. */
  fileName: () => string;
  exportMeta: () => ExportMeta;
  /** What to say when the API has no data for the request. */
  noDataMessage: () => string;
}

export class Results {
  readonly element: HTMLElement;
  readonly #status = h("p", { class: "status", role: "status" });
  readonly #notes = h("ul", { class: "notes" });
  readonly #permalink = h("a", { class: "permalink" }, "Permalink");
  readonly #toolbar: HTMLElement;
  readonly #chart = h("div", { class: "chart", "aria-hidden": "true" });
  readonly #table = h("div", { class: "table" });
  #model: TableModel | null = null;
  #removeChart: (() => void) | null = null;
  #request: AbortController | null = null;
  #focusTable = false;

  constructor(private readonly options: ResultsOptions) {
    const csv = h("button", { type: "button", class: "secondary" }, "Download CSV");
    const json = h("button", { type: "button", class: "secondary" }, "Download JSON");
    const copy = h("button", { type: "button", class: "secondary" }, "Copy link");
    csv.addEventListener("click", () => this.#download("csv"));
    json.addEventListener("click", () => this.#download("json"));
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(this.#permalink.href).then(
        () => this.#say("Link copied."),
        () => this.#say("Could not copy: use the Permalink link instead."),
      );
    });
    this.#toolbar = h("div", { class: "toolbar", hidden: true }, this.#permalink, copy, csv, json);
    this.element = h(
      "section",
      { class: "results", "aria-label": "Results" },
      this.#status,
      this.#notes,
      this.#toolbar,
      this.#chart,
      this.#table,
    );
  }

  /** Runs a request; only the latest one's answer is shown. */
  async run(task: (signal: AbortSignal) => Promise<Outcome | Message>): Promise<void> {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    this.#clear();
    this.element.setAttribute("aria-busy", "true");
    this.#setState("loading", "Loading…");
    try {
      const outcome = await task(request.signal);
      if (request.signal.aborted) return;
      if ("message" in outcome) this.#setState("empty", outcome.message);
      else this.#show(outcome);
    } catch (error) {
      if (request.signal.aborted) return;
      if (error instanceof NoDataError) this.#setState("nodata", this.options.noDataMessage());
      else if (error instanceof ApiError) this.#setState("error", error.message);
      else this.#setState("error", `The dashboard failed: ${error instanceof Error ? error.message : error}`);
    } finally {
      if (this.#request === request) this.element.removeAttribute("aria-busy");
    }
  }

  /** Moves the focus to the next table shown: its row's control (e.g. "hide") is about to disappear. */
  focusTableWhenShown(): void {
    this.#focusTable = true;
  }

  /** Stops any request and removes the chart (the view is leaving). */
  dispose(): void {
    this.#request?.abort();
    this.#clear();
  }

  #show(outcome: Outcome): void {
    this.#setState("ready", "");
    this.#model = outcome.table;
    this.#notes.replaceChildren(...(outcome.notes ?? []).map((note) => h("li", {}, note)));
    this.#permalink.href = location.href;
    this.#toolbar.hidden = false;
    const table = renderTable(outcome.table, outcome.tableOptions);
    this.#table.replaceChildren(table);
    this.#removeChart = outcome.draw(this.#chart);
    if (this.#focusTable) table.focus();
    this.#focusTable = false;
  }

  #clear(): void {
    this.#removeChart?.();
    this.#removeChart = null;
    this.#model = null;
    this.#notes.replaceChildren();
    this.#toolbar.hidden = true;
    this.#table.replaceChildren();
  }

  #setState(state: "loading" | "empty" | "nodata" | "error" | "ready", text: string): void {
    this.element.dataset.state = state;
    this.#status.textContent = text;
    this.#status.setAttribute("role", state === "error" ? "alert" : "status");
  }

  #say(text: string): void {
    this.#status.textContent = text;
  }

  #download(format: "csv" | "json"): void {
    if (this.#model === null) return;
    const body =
      format === "csv" ? tableToCsv(this.#model) : tableToJson(this.#model, this.options.exportMeta());
    const type = format === "csv" ? "text/csv;charset=utf-8" : "application/json";
    const url = URL.createObjectURL(new Blob([body], { type }));
    const link = h("a", { href: url, download: `${this.options.fileName()}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
