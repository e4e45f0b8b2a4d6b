import { ACCESS_METHODS, type Access, AGENTS, type Agent } from "../api.ts";
import { CHART_KINDS } from "../chart.ts";
import { ALL_PROJECTS, noDataMessage, type View } from "../context.ts";
import {
  ControlForm,
  checkboxControl,
  listControl,
  rangeControl,
  rangeOf,
  selectControl,
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

/** Whole projects (or all of them) over time, each optionally split by access method or agent. */

export const MAX_PROJECTS = 10;
const SPLITS = ["none", "access", "agent"] as const;
/** The parts a split shows: the access methods, or the agents, that add up to the whole. */
const SPLIT_ACCESS: readonly Access[] = ["desktop", "mobile-web", "mobile-app"];
const SPLIT_AGENTS: readonly Agent[] = ["user", "spider", "automated"];

export const siteviewsView: View = {
  id: "siteviews",
  title: "Siteviews",
  mount(root, context) {
    let state = new URLSearchParams();
    const results = new Results({
      fileName: () => `siteviews-${rangeOf(state, context.lastDay).start}`,
      exportMeta: context.exportMeta,
      noDataMessage: () => noDataMessage(context, listParam(state, "projects")[0] ?? ALL_PROJECTS),
    });
    const load = (params: URLSearchParams) => {
      state = params;
      context.setParams(params);
      const projects = listParam(params, "projects");
      const range = rangeOf(params, context.lastDay);
      const granularity = oneOf(params.get("granularity"), ["daily", "monthly"] as const, "daily");
      const split = oneOf(params.get("split"), SPLITS, "none");
      const access = oneOf(params.get("access"), ACCESS_METHODS, "all-access");
      const agent = oneOf(params.get("agent"), AGENTS, "user");
      const parts = projects.flatMap((project) =>
        split === "access"
          ? SPLIT_ACCESS.map((part) => ({ label: `${project} · ${part}`, project, access: part, agent }))
          : split === "agent"
            ? SPLIT_AGENTS.map((part) => ({ label: `${project} · ${part}`, project, access, agent: part }))
            : [{ label: project, project, access, agent }],
      );
      void results.run(async (signal) => {
        if (projects.length === 0)
          return { message: `Add up to ${MAX_PROJECTS} projects, or ${ALL_PROJECTS}, to see their views.` };
        const problem = rangeProblem(range, granularity);
        if (problem !== null) return problem;
        const answers = await Promise.all(
          parts.map(async (part) => ({
            label: part.label,
            items: await itemsOrNoData(
              context.api.aggregate(
                { project: part.project, access: part.access, agent: part.agent, granularity },
                range,
                signal,
              ),
            ),
          })),
        );
        const filters =
          split === "access"
            ? `by access, ${agent}`
            : split === "agent"
              ? `${access}, by agent`
              : describeFilters(access, agent);
        return timeSeriesOutcome(answers, {
          range,
          granularity,
          chart: oneOf(params.get("chart"), CHART_KINDS, "line"),
          log: params.get("log") === "1",
          caption: `${granularity === "daily" ? "Daily" : "Monthly"} views, ${range.start} to ${range.end} (${filters})`,
        });
      });
    };
    const form = new ControlForm(
      "Siteviews settings",
      [
        listControl({
          key: "projects",
          label: `Projects (up to ${MAX_PROJECTS})`,
          max: MAX_PROJECTS,
          fallback: [context.defaultProject],
          placeholder: `en.wikipedia, or ${ALL_PROJECTS}`,
          suggestions: [ALL_PROJECTS, ...context.projects],
        }),
        rangeControl(context.lastDay),
        selectControl({
          key: "granularity",
          label: "Granularity",
          choices: GRANULARITY_CHOICES,
          fallback: "daily",
        }),
        selectControl({
          key: "split",
          label: "Split by",
          choices: [
            ["none", "Nothing"],
            ["access", "Access method"],
            ["agent", "Agent"],
          ],
          fallback: "none",
        }),
        selectControl({
          key: "access",
          label: "Access",
          choices: ACCESS_CHOICES,
          fallback: "all-access",
          shownWhen: (params) => params.get("split") !== "access",
        }),
        selectControl({
          key: "agent",
          label: "Agent",
          choices: AGENT_CHOICES,
          fallback: "user",
          shownWhen: (params) => params.get("split") !== "agent",
        }),
        selectControl({ key: "chart", label: "Chart", choices: CHART_CHOICES, fallback: "line" }),
        checkboxControl({ key: "log", label: "Log scale" }),
      ],
      load,
    );
    root.replaceChildren(
      viewHeader(
        "Siteviews",
        "The views of whole projects, or of all projects together, over time; split by access method or agent.",
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
