import type { FastifyInstance } from "fastify";
import type { ApiAccess, ApiAgent, Granularity } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { noData } from "../problem.ts";
import { normalizeProject, seriesRange } from "../request-params.ts";
import {
  accessParam,
  agentParam,
  endParam,
  integer,
  itemsOf,
  paramsOf,
  problemResponses,
  projectParam,
  startParam,
  string,
} from "../schemas.ts";

interface AggregateParams {
  project: string;
  access: ApiAccess;
  agent: ApiAgent;
  granularity: Granularity;
  start: string;
  end: string;
}

const schema = {
  summary: "Views of a project, or of all projects",
  description:
    "Hourly, daily or monthly views of a project, or of `all-projects`. Hourly needs `YYYYMMDDHH` " +
    "timestamps; monthly keeps whole months only (see per-article).",
  tags: ["pageviews"],
  params: paramsOf({
    project: projectParam,
    access: accessParam,
    agent: agentParam,
    granularity: { type: "string", enum: ["hourly", "daily", "monthly"] },
    start: startParam,
    end: endParam,
  }),
  response: {
    200: itemsOf(
      {
        project: string,
        access: string,
        agent: string,
        granularity: string,
        timestamp: string,
        views: integer,
      },
      "Views per bucket, ascending by timestamp; buckets without views are omitted.",
    ),
    ...problemResponses,
  },
} as const;

export function aggregateRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: AggregateParams }>(
    `${METRICS}/pageviews/aggregate/:project/:access/:agent/:granularity/:start/:end`,
    { schema },
    async (request, reply) => {
      const { access, agent, granularity } = request.params;
      const project = normalizeProject(request.params.project);
      const { lastHour, ...range } = seriesRange(request.params.start, request.params.end, granularity);
      const views = await context.store.aggregate({ project, access, agent, granularity, ...range });
      if (views.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(lastHour));
      return {
        items: views.map(({ timestamp, views }) => ({
          project,
          access,
          agent,
          granularity,
          timestamp,
          views,
        })),
      };
    },
  );
}
