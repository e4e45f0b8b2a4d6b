import { ACCESS_METHODS, AGENTS, titleKey } from "../api.ts";
import { CHART_KINDS } from "../chart.ts";
import { noDataMessage, type View } from "../context.ts";
import {
  ControlForm,
  checkboxControl,
  listControl,
  rangeControl,
  rangeOf,
  selectControl,
  textControl,
} from "../controls.ts";
import { Results } from "../results.ts";
import { listParam, oneOf } from "../state.ts";
import {
  ACCESS_CHOICES,
  AGENT_CHOICES,
  CHART_CHOICES,
  describeFilters,
  GRANULARITY_CHOICES,
  itemsOrNoData,
  rangeProblem,
  timeSeriesOutcome,
  viewHeader,
} from "./shared.ts";

/** Up to ten articles of one project compared over time. */

export const MAX_ARTICLES = 10;

const displayTitle = (title: string) => title.replaceAll("_", " ");

export const pageviewsView: View = {
  id: "pageviews",
  title: "Pageviews",
  mount(root, context) {
    let state = new URLSearchParams();
    const results = new Results({
      fileName: () => `pageviews-${state.get("project")}-${rangeOf(state, context.lastDay).start}`,
      exportMeta: context.exportMeta,
      noDataMessage: () => noDataMessage(context, state.get("project") ?? ""),
    });
    const load = (params: URLSearchParams) => {
      state = params;
      context.setParams(params);
      const project = params.get("project") ?? context.defaultProject;
      const articles = listParam(params, "pages");
      const range = rangeOf(params, context.lastDay);
      const granularity = oneOf(params.get("granularity"), ["daily", "monthly"] as const, "daily");
      const access = oneOf(params.get("access"), ACCESS_METHODS, "all-access");
      const agent = oneOf(params.get("agent"), AGENTS, "user");
      void results.run(async (signal) => {
        if (articles.length === 0)
          return { message: `Add up to ${MAX_ARTICLES} articles of ${project} to compare their views.` };
        const problem = rangeProblem(range, granularity);
        if (problem !== null) return problem;
        const answers = await Promise.all(
          articles.map(async (article) => ({
            label: displayTitle(article),
            items: await itemsOrNoData(
              context.api.perArticle({ project, access, agent, article, granularity }, range, signal),
            ),
          })),
        );
        return timeSeriesOutcome(answers, {
          range,
          granularity,
          chart: oneOf(params.get("chart"), CHART_KINDS, "line"),
          log: params.get("log") === "1",
          caption:
            `${granularity === "daily" ? "Daily" : "Monthly"} views of ${project} articles, ` +
            `${range.start} to ${range.end} (${describeFilters(access, agent)})`,
        });
      });
    };
    const form = new ControlForm(
      "Pageviews settings",
      [
        textControl({
          key: "project",
          label: "Project",
          fallback: context.defaultProject,
          suggestions: context.projects,
          placeholder: "en.wikipedia",
        }),
        listControl({
          key: "pages",
          label: `Articles (up to ${MAX_ARTICLES})`,
          max: MAX_ARTICLES,
          fallback: [],
          placeholder: "A title, then Enter",
          display: displayTitle,
          normalize: titleKey,
        }),
        rangeControl(context.lastDay),
        selectControl({
          key: "granularity",
          label: "Granularity",
          choices: GRANULARITY_CHOICES,
          fallback: "daily",
        }),
        selectControl({ key: "access", label: "Access", choices: ACCESS_CHOICES, fallback: "all-access" }),
        selectControl({ key: "agent", label: "Agent", choices: AGENT_CHOICES, fallback: "user" }),
        selectControl({ key: "chart", label: "Chart", choices: CHART_CHOICES, fallback: "line" }),
        checkboxControl({ key: "log", label: "Log scale" }),
      ],
      load,
    );
    root.replaceChildren(
      viewHeader("Pageviews", "Compare the daily or monthly views of up to ten articles of a project."),
      form.element,
      results.element,
    );
    return {
      show: (params) => load(form.show(params)),
      destroy: () => results.dispose(),
    };
  },
};
