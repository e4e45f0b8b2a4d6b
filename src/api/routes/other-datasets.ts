import type { FastifyInstance } from "fastify";
import type { Granularity } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { noData } from "../problem.ts";
import { normalizeProject, timeRange } from "../request-params.ts";
import {
  type AccessSite,
  accessSiteParam,
  endParam,
  integer,
  itemsOf,
  paramsOf,
  problemResponses,
  projectParam,
  startParam,
  string,
} from "../schemas.ts";

/**
 * The routes of Wikimedia's sibling datasets, which clients such as pageviews.wmcloud.org's siteviews
 * call: legacy pagecounts (2008-2016), served once imported from Wikimedia's files, and unique
 * devices, which this system does not compute (validated as by Wikimedia, then 404 "no data").
 */

interface DatasetParams {
  project: string;
  accessSite: AccessSite;
  granularity: Granularity;
  start: string;
  end: string;
}

function datasetSchema(
  summary: string,
  granularities: readonly string[],
  description: string,
  answer?: ReturnType<typeof itemsOf>,
) {
  return {
    summary,
    description,
    tags: ["other datasets"],
    params: paramsOf({
      project: projectParam,
      accessSite: accessSiteParam,
      granularity: { type: "string", enum: granularities },
      start: startParam,
      end: endParam,
    }),
    response: answer === undefined ? problemResponses : { 200: answer, ...problemResponses },
  } as const;
}

export function otherDatasetRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: DatasetParams }>(
    `${METRICS}/legacy/pagecounts/aggregate/:project/:accessSite/:granularity/:start/:end`,
    {
      schema: datasetSchema(
        "Legacy pagecounts of a project",
        ["hourly", "daily", "monthly"],
        "Wikimedia's pagecounts (2008-2016), as loaded with `pageviews dumps import`; 404 until some are. " +
          "Timestamps are `YYYYMMDDHH`; monthly keeps whole months, as per-article does.",
        itemsOf(
          { project: string, "access-site": string, granularity: string, timestamp: string, count: integer },
          "Counts per bucket, ascending by timestamp.",
        ),
      ),
    },
    async (request, reply) => {
      const { accessSite, granularity } = request.params;
      const project = normalizeProject(request.params.project);
      const range = timeRange(request.params.start, request.params.end, {
        hourly: true,
        monthly: granularity === "monthly",
      });
      const counts = await context.store.legacyPagecounts({ project, accessSite, granularity, ...range });
      if (counts.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(range.to));
      return {
        items: counts.map(({ timestamp, views }) => ({
          project,
          "access-site": accessSite,
          granularity,
          timestamp,
          count: views,
        })),
      };
    },
  );

  app.get<{ Params: DatasetParams }>(
    `${METRICS}/unique-devices/:project/:accessSite/:granularity/:start/:end`,
    {
      schema: datasetSchema(
        "Unique devices of a project",
        ["daily", "monthly"],
        "Validated as by Wikimedia; unique devices are not computed here, so a valid request gets 404. " +
          "Timestamps are `YYYYMMDD` (an hour is ignored).",
      ),
    },
    async (request) => {
      normalizeProject(request.params.project);
      timeRange(request.params.start, request.params.end, {
        hourly: false,
        monthly: request.params.granularity === "monthly",
      });
      throw noData();
    },
  );
}
