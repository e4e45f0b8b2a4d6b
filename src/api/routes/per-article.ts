import type { FastifyInstance } from "fastify";
import type { ApiAccess, ApiAgent } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { perArticleJson } from "../per-article-json.ts";
import { noData } from "../problem.ts";
import { normalizeArticle, normalizeProject, seriesRange } from "../request-params.ts";
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

const GRANULARITIES = ["daily", "monthly", "hourly"] as const;

interface PerArticleParams {
  project: string;
  access: ApiAccess;
  agent: ApiAgent;
  article: string;
  granularity: (typeof GRANULARITIES)[number];
  start: string;
  end: string;
}

const schema = {
  summary: "Views of one article",
  description:
    "Daily or monthly views of one article (`hourly` is an extension of this server). A bucket is " +
    "present when the article had any views in it, so it can read 0 for the access and agent asked " +
    "for; a bucket without views is omitted. Monthly keeps whole months only: the range is trimmed " +
    "inward to the 1st of a month and the last day of a month (as AQS 1 did).",
  tags: ["pageviews"],
  params: paramsOf({
    project: projectParam,
    access: accessParam,
    agent: agentParam,
    article: {
      type: "string",
      description: "The title, percent-encoded (`/`, `?`, `%` and `#` must be); spaces become `_`.",
    },
    granularity: { type: "string", enum: GRANULARITIES },
    start: startParam,
    end: endParam,
  }),
  response: {
    200: itemsOf(
      {
        project: string,
        article: string,
        granularity: string,
        timestamp: string,
        access: string,
        agent: string,
        views: integer,
      },
      "Views per bucket, ascending by timestamp.",
    ),
    ...problemResponses,
  },
} as const;

export function perArticleRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: PerArticleParams }>(
    `${METRICS}/pageviews/per-article/:project/:access/:agent/:article/:granularity/:start/:end`,
    { schema },
    async (request, reply) => {
      const { access, agent, granularity } = request.params;
      const project = normalizeProject(request.params.project);
      const article = normalizeArticle(request.params.article);
      const { lastHour, ...range } = seriesRange(request.params.start, request.params.end, granularity);
      const views = await context.store.perArticle({
        project,
        article,
        access,
        agent,
        granularity,
        ...range,
      });
      if (views.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(lastHour));
      // Written here rather than by the response schema's serializer: see perArticleJson.
      reply.type("application/json; charset=utf-8");
      return perArticleJson({ project, article, granularity, access, agent }, views);
    },
  );
}
