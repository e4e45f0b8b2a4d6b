import type { FastifyInstance } from "fastify";
import { daysOfMonth } from "../../store/serving-keys.ts";
import type { ApiAccess, ApiAgent } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { noData } from "../problem.ts";
import { normalizeProject, timeRange, topPeriod } from "../request-params.ts";
import {
  accessParam,
  agentParam,
  endParam,
  integer,
  itemsOf,
  monthParam,
  paramsOf,
  problemResponses,
  projectParam,
  startParam,
  string,
  yearParam,
} from "../schemas.ts";

interface TopParams {
  project: string;
  access: ApiAccess;
  year: string;
  month: string;
  day: string;
}

interface TopRangeParams {
  project: string;
  access: ApiAccess;
  start: string;
  end: string;
}

interface AgentQuery {
  agent?: ApiAgent;
}

const articles = {
  type: "array",
  items: {
    type: "object",
    properties: { article: string, views: integer, rank: integer },
    required: ["article", "views", "rank"],
  },
} as const;

const agentQuery = {
  type: "object",
  properties: {
    agent: {
      ...agentParam,
      description: "Extension: rank the views of this agent type instead of `user` (adds `agent` to items).",
    },
  },
} as const;

const RANKING =
  "Only `user` views unless `agent` is given; `-` is excluded; ranks are SQL `rank()` (ties share a rank, " +
  "a gap follows), and the list stops where entry 1001 would start (≤ 1000 entries, fewer when a tie " +
  "straddles the cut).";

const topSchema = {
  summary: "The most viewed articles of a day or a month",
  description: `The top 1000 articles of a project for a day, or a whole month with \`all-days\`. ${RANKING}`,
  tags: ["pageviews"],
  params: paramsOf({
    project: projectParam,
    access: accessParam,
    year: yearParam,
    month: monthParam,
    day: { type: "string", description: "`DD`, or `all-days` for the whole month." },
  }),
  querystring: agentQuery,
  response: {
    200: itemsOf(
      { project: string, access: string, agent: string, year: string, month: string, day: string, articles },
      "One item whose `articles` are sorted by rank (then title).",
      ["agent"],
    ),
    ...problemResponses,
  },
} as const;

const topRangeSchema = {
  summary: "The most viewed articles of any range of days (extension)",
  description: `The top 1000 articles of a project over the days from \`start\` to \`end\`. ${RANKING}`,
  tags: ["pageviews (extensions)"],
  params: paramsOf({ project: projectParam, access: accessParam, start: startParam, end: endParam }),
  querystring: agentQuery,
  response: {
    200: itemsOf(
      { project: string, access: string, agent: string, start: string, end: string, articles },
      "One item whose `articles` are sorted by rank (then title); `start` and `end` are `YYYYMMDD00`.",
    ),
    ...problemResponses,
  },
} as const;

export function topRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: TopParams; Querystring: AgentQuery }>(
    `${METRICS}/pageviews/top/:project/:access/:year/:month/:day`,
    { schema: topSchema },
    async (request, reply) => {
      const { access, year } = request.params;
      const { agent } = request.query;
      const project = normalizeProject(request.params.project);
      const period = topPeriod(year, request.params.month, request.params.day);
      const [firstDay, lastDay] = "day" in period ? [period.day, period.day] : monthDays(period.month);
      // The stored lists answer the Pageview API's own requests; other agents are ranked when read.
      const ranked =
        agent === undefined || agent === "user"
          ? await context.store.top({ project, access, ...period })
          : await context.store.topOfRange({ project, access, agent, fromDay: firstDay, toDay: lastDay });
      if (ranked.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(`${lastDay}23`));
      const day = "day" in period ? period.day.slice(6, 8) : "all-days";
      const month = firstDay.slice(4, 6);
      return { items: [{ project, access, agent, year, month, day, articles: ranked }] };
    },
  );

  app.get<{ Params: TopRangeParams; Querystring: AgentQuery }>(
    `${METRICS}/pageviews/top/:project/:access/:start/:end`,
    { schema: topRangeSchema },
    async (request, reply) => {
      const { access } = request.params;
      const agent = request.query.agent ?? "user";
      const project = normalizeProject(request.params.project);
      const { from, to } = timeRange(request.params.start, request.params.end, {
        hourly: false,
        monthly: false,
      });
      const [fromDay, toDay] = [from.slice(0, 8), to.slice(0, 8)];
      const ranked = await context.store.topOfRange({ project, access, agent, fromDay, toDay });
      if (ranked.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(`${toDay}23`));
      return { items: [{ project, access, agent, start: from, end: to, articles: ranked }] };
    },
  );
}

function monthDays(month: string): [string, string] {
  const { first, last } = daysOfMonth(Number(month));
  return [String(first), String(last)];
}
