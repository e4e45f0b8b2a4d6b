import type { FastifyInstance } from "fastify";
import { METRICS } from "../context.ts";
import { noData } from "../problem.ts";
import { normalizeProject, timeRange } from "../request-params.ts";
import {
  type AccessSite,
  accessSiteParam,
  endParam,
  paramsOf,
  problemResponses,
  projectParam,
  startParam,
} from "../schemas.ts";

/**
 * The routes of Wikimedia's sibling datasets, legacy pagecounts (2008-2016) and unique devices, which
 * this system does not compute. Clients such as pageviews.wmcloud.org's siteviews call them, so they
 * validate requests as Wikimedia does and answer 404 "no data".
 */

interface DatasetParams {
  project: string;
  accessSite: AccessSite;
  granularity: string;
  start: string;
  end: string;
}

function datasetSchema(summary: string, granularities: readonly string[], timestamps: string) {
  return {
    summary,
    description: `Validated as by Wikimedia; this server holds no such data, so a valid request gets 404. ${timestamps}`,
    tags: ["other datasets"],
    params: paramsOf({
      project: projectParam,
      accessSite: accessSiteParam,
      granularity: { type: "string", enum: granularities },
      start: startParam,
      end: endParam,
    }),
    response: problemResponses,
  } as const;
}

export function otherDatasetRoutes(app: FastifyInstance): void {
  app.get<{ Params: DatasetParams }>(
    `${METRICS}/legacy/pagecounts/aggregate/:project/:accessSite/:granularity/:start/:end`,
    {
      schema: datasetSchema(
        "Legacy pagecounts of a project",
        ["hourly", "daily", "monthly"],
        "Timestamps are `YYYYMMDDHH`.",
      ),
    },
    async (request) => {
      normalizeProject(request.params.project);
      timeRange(request.params.start, request.params.end, {
        hourly: true,
        monthly: request.params.granularity === "monthly",
      });
      throw noData();
    },
  );

  app.get<{ Params: DatasetParams }>(
    `${METRICS}/unique-devices/:project/:accessSite/:granularity/:start/:end`,
    {
      schema: datasetSchema(
        "Unique devices of a project",
        ["daily", "monthly"],
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
