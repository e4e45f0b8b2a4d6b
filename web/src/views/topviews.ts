import { ACCESS_METHODS, NoDataError, type TopArticle, type TopPeriod } from "../api.ts";
import { noDataMessage, type View } from "../context.ts";
import {
  type Control,
  ControlForm,
  checkboxControl,
  dateControl,
  selectControl,
  textControl,
} from "../controls.ts";
import { addDays, isIsoDay, isIsoMonth, lastWholeMonth } from "../dates.ts";
import { h } from "../dom.ts";
import { drawRankedBars } from "../ranked-bars.ts";
import { Results } from "../results.ts";
import { LIST_SEPARATOR, listParam, oneOf } from "../state.ts";
import type { Cell, TableModel } from "../table-model.ts";
import { type AccessTops, formatShare, SPLIT_ACCESS, type TopEntry, topEntries } from "../top-shares.ts";
import { ACCESS_CHOICES, viewHeader } from "./shared.ts";

/**
 * The most viewed articles of a project for a day, a month or a range of days, with each entry's share
 * of mobile views and a flag on entries that look automated; entries can be hidden (kept in the URL).
 */

const PERIODS = ["day", "month", "range"] as const;
const LIMITS = ["50", "100", "500", "1000"] as const;
/** Bars in the chart: the top of the list; the table has them all. */
export const CHART_ENTRIES = 20;

export const topviewsView: View = {
  id: "topviews",
  title: "Topviews",
  mount(root, context) {
    let state = new URLSearchParams();
    const hidden = hiddenEntriesControl();
    const results = new Results({
      fileName: () => `topviews-${state.get("project")}-${periodName(periodOf(state, context.lastDay))}`,
      exportMeta: context.exportMeta,
      noDataMessage: () => noDataMessage(context, state.get("project") ?? ""),
    });
    const load = (params: URLSearchParams) => {
      state = params;
      context.setParams(params);
      const project = params.get("project") ?? context.defaultProject;
      const access = oneOf(params.get("access"), ACCESS_METHODS, "all-access");
      const period = periodOf(params, context.lastDay);
      const limit = Number(oneOf(params.get("limit"), LIMITS, "100"));
      const hiddenArticles = new Set(listParam(params, "hide"));
      const hideFlagged = params.get("hideflagged") === "1";
      void results.run(async (signal) => {
        if (period.kind === "range" && period.range.start > period.range.end)
          return { message: "The start date is after the end date." };
        const ask = (method: (typeof ACCESS_METHODS)[number]) =>
          context.api.top({ project, access: method, period }, signal);
        const top = await ask(access);
        // Mobile shares need every access method's list; only meaningful over all access methods.
        const byAccess = access === "all-access" ? await accessTops(ask) : null;
        const entries = byAccess === null ? top.map(plainEntry) : topEntries(top, byAccess);
        const shown = entries
          .filter((entry) => !hiddenArticles.has(entry.article) && !(hideFlagged && entry.flag !== null))
          .slice(0, limit);
        if (shown.length === 0) return { message: "Every entry is hidden: show the hidden entries again." };
        const table = topTable(
          shown,
          byAccess !== null,
          `Most viewed articles of ${project}, ${periodName(period)} (${access})`,
        );
        return {
          table,
          tableOptions: {
            rowAction: {
              label: "Hide",
              render: (row) => {
                const article = (shown[row] as TopEntry).article;
                const button = h(
                  "button",
                  { type: "button", class: "link", "aria-label": `Hide ${display(article)}` },
                  "Hide",
                );
                button.addEventListener("click", () => {
                  results.focusTableWhenShown();
                  hidden.hide(article);
                });
                return button;
              },
            },
            renderCell: (column, cell) =>
              column === 4 && typeof cell === "string" && cell !== ""
                ? h("span", { class: "flag", title: "Likely automated traffic" }, cell)
                : null,
          },
          notes: hiddenArticles.size > 0 ? [`${hiddenArticles.size} hidden.`] : [],
          draw: (container) =>
            drawRankedBars(
              container,
              shown.slice(0, CHART_ENTRIES).map((entry) => ({
                label: display(entry.article),
                value: entry.views,
                flagged: entry.flag !== null,
              })),
              `The ${Math.min(CHART_ENTRIES, shown.length)} most viewed articles shown, as bars`,
            ),
        };
      });
    };
    const form = new ControlForm(
      "Topviews settings",
      [
        textControl({
          key: "project",
          label: "Project",
          fallback: context.defaultProject,
          suggestions: context.projects,
          placeholder: "en.wikipedia",
        }),
        selectControl({
          key: "period",
          label: "Period",
          choices: [
            ["day", "A day"],
            ["month", "A month"],
            ["range", "A range of days"],
          ],
          fallback: "day",
        }),
        dateControl({
          key: "date",
          label: "Day",
          type: "date",
          fallback: context.lastDay,
          shownWhen: (params) => params.get("period") === "day",
        }),
        dateControl({
          key: "month",
          label: "Month",
          type: "month",
          fallback: lastWholeMonth(context.lastDay),
          shownWhen: (params) => params.get("period") === "month",
        }),
        dateControl({
          key: "start",
          label: "From",
          type: "date",
          fallback: addDays(context.lastDay, -6),
          shownWhen: (params) => params.get("period") === "range",
        }),
        dateControl({
          key: "end",
          label: "To",
          type: "date",
          fallback: context.lastDay,
          shownWhen: (params) => params.get("period") === "range",
        }),
        selectControl({ key: "access", label: "Access", choices: ACCESS_CHOICES, fallback: "all-access" }),
        selectControl({
          key: "limit",
          label: "Entries",
          choices: LIMITS.map((limit) => [limit, limit] as const),
          fallback: "100",
        }),
        checkboxControl({ key: "hideflagged", label: "Hide flagged entries" }),
        hidden,
      ],
      load,
    );
    root.replaceChildren(
      viewHeader(
        "Topviews",
        "The most viewed articles of a project, with each one's share of mobile views. Entries that look " +
          "automated (nearly all or no views from mobile, or most from one access method) are flagged.",
      ),
      form.element,
      results.element,
    );
    return {
      show: (params) => load(form.show(params)),
      destroy: () => results.dispose(),
    };
  },
};

function periodOf(params: URLSearchParams, lastDay: string): TopPeriod {
  const kind = oneOf(params.get("period"), PERIODS, "day");
  const day = (key: string, fallback: string) => {
    const value = params.get(key) ?? "";
    return isIsoDay(value) ? value : fallback;
  };
  if (kind === "day") return { kind, day: day("date", lastDay) };
  if (kind === "month") {
    const month = params.get("month") ?? "";
    return { kind, month: isIsoMonth(month) ? month : lastWholeMonth(lastDay) };
  }
  return { kind, range: { start: day("start", addDays(lastDay, -6)), end: day("end", lastDay) } };
}

function periodName(period: TopPeriod): string {
  if (period.kind === "day") return period.day;
  if (period.kind === "month") return period.month;
  return `${period.range.start} to ${period.range.end}`;
}

/** Each access method's list; one without data had no views of that method. */
async function accessTops(
  ask: (access: (typeof SPLIT_ACCESS)[number]) => Promise<TopArticle[]>,
): Promise<AccessTops> {
  const lists = await Promise.all(
    SPLIT_ACCESS.map((access) =>
      ask(access).catch((error: unknown) => {
        if (error instanceof NoDataError) return null;
        throw error;
      }),
    ),
  );
  const [desktop = null, web = null, app = null] = lists;
  return { desktop, "mobile-web": web, "mobile-app": app };
}

function plainEntry({ rank, article, views }: TopArticle): TopEntry {
  return { rank, article, views, mobileShare: { low: 0, high: 0 }, flag: null };
}

function topTable(entries: readonly TopEntry[], withShares: boolean, caption: string): TableModel {
  const columns = [
    { label: "Rank", format: "number" as const },
    { label: "Article", format: "text" as const },
    { label: "Views", format: "number" as const },
  ];
  const row = (entry: TopEntry): Cell[] => [entry.rank, display(entry.article), entry.views];
  if (!withShares) return { caption, columns, rows: entries.map(row), footer: [] };
  return {
    caption,
    columns: [...columns, { label: "Mobile share", format: "text" }, { label: "Flag", format: "text" }],
    rows: entries.map((entry) => [...row(entry), formatShare(entry.mobileShare), entry.flag ?? ""]),
    footer: [],
  };
}

function display(article: string): string {
  return article.replaceAll("_", " ");
}

/** The hidden entries: not a field, but a note with a button that shows them again. */
function hiddenEntriesControl(): Control & { hide(article: string): void } {
  let articles: string[] = [];
  const count = h("span", {});
  const reset = h("button", { type: "button", class: "secondary" }, "Show hidden entries");
  const element = h("div", { class: "field hidden-entries" }, count, reset);
  const render = () => {
    count.textContent = `${articles.length} hidden`;
    element.hidden = articles.length === 0;
  };
  const changed = () => element.dispatchEvent(new Event("change", { bubbles: true }));
  reset.addEventListener("click", () => {
    articles = [];
    render();
    changed();
  });
  return {
    element,
    write: (params) => {
      articles = listParam(params, "hide");
      render();
    },
    read: (params) => {
      if (articles.length > 0) params.set("hide", articles.join(LIST_SEPARATOR));
    },
    hide: (article) => {
      if (articles.includes(article)) return;
      articles = [...articles, article];
      render();
      changed();
    },
  };
}
