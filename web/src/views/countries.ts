import { ACCESS_METHODS, type CountryEntry } from "../api.ts";
import { ALL_PROJECTS, noDataMessage, type View } from "../context.ts";
import { ControlForm, dateControl, selectControl, textControl } from "../controls.ts";
import { lastWholeMonth } from "../dates.ts";
import { drawRankedBars } from "../ranked-bars.ts";
import { Results } from "../results.ts";
import { oneOf } from "../state.ts";
import type { TableModel } from "../table-model.ts";
import { ACCESS_CHOICES, viewHeader } from "./shared.ts";

/** The countries a project's views came from in a month: as the API gives them, rounded for privacy. */

/** Bars in the chart: the first countries; the table has them all. */
export const CHART_COUNTRIES = 25;

export const countriesView: View = {
  id: "countries",
  title: "Countries",
  mount(root, context) {
    let state = new URLSearchParams();
    const results = new Results({
      fileName: () => `countries-${state.get("project")}-${state.get("month")}`,
      exportMeta: context.exportMeta,
      noDataMessage: () => noDataMessage(context, state.get("project") ?? ""),
    });
    const load = (params: URLSearchParams) => {
      state = params;
      context.setParams(params);
      const project = params.get("project") ?? context.defaultProject;
      const access = oneOf(params.get("access"), ACCESS_METHODS, "all-access");
      const month = params.get("month") ?? lastWholeMonth(context.lastDay);
      void results.run(async (signal) => {
        const countries = await context.api.topByCountry({ project, access, month }, signal);
        return {
          table: countriesTable(countries, `Countries by views of ${project}, ${month} (${access}, users)`),
          draw: (container) =>
            drawRankedBars(
              container,
              countries.slice(0, CHART_COUNTRIES).map((entry) => ({
                label: countryName(entry.country),
                value: entry.views_ceil,
              })),
              `The ${Math.min(CHART_COUNTRIES, countries.length)} countries with the most views, as bars`,
            ),
        };
      });
    };
    const form = new ControlForm(
      "Countries settings",
      [
        textControl({
          key: "project",
          label: "Project",
          fallback: context.defaultProject,
          suggestions: [ALL_PROJECTS, ...context.projects],
          placeholder: `en.wikipedia, or ${ALL_PROJECTS}`,
        }),
        dateControl({
          key: "month",
          label: "Month",
          type: "month",
          fallback: lastWholeMonth(context.lastDay),
        }),
        selectControl({ key: "access", label: "Access", choices: ACCESS_CHOICES, fallback: "all-access" }),
      ],
      load,
    );
    root.replaceChildren(
      viewHeader(
        "Countries",
        "Where a project's readers were in a month. For privacy the API rounds views up to a multiple of " +
          "1000 and names their order of magnitude; countries with 100 views or fewer are left out.",
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

function countriesTable(countries: readonly CountryEntry[], caption: string): TableModel {
  return {
    caption,
    columns: [
      { label: "Rank", format: "number" },
      { label: "Country", format: "text" },
      { label: "Code", format: "text" },
      { label: "Views", format: "text" },
      { label: "Views (rounded up)", format: "number" },
    ],
    rows: countries.map((entry) => [
      entry.rank,
      countryName(entry.country),
      entry.country,
      entry.views,
      entry.views_ceil,
    ]),
    footer: [],
  };
}

const regionNames = new Intl.DisplayNames(undefined, { type: "region" });

/** The country's name in the reader's language; the code itself when it names no country (`--`). */
function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
