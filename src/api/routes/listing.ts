import type { FastifyInstance } from "fastify";
import { ALL_PROJECTS } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { itemsOf, string } from "../schemas.ts";

/** What AQS 1 listed at `/pageviews/` (the npm `pageviews` client reads it), and this server's additions. */
export const PAGEVIEWS_DIMENSIONS = [
  "per-article",
  "aggregate",
  "top",
  "top-by-country",
  "top-per-country",
  "availability",
] as const;

const listingSchema = {
  summary: "The kinds of pageview data",
  tags: ["pageviews"],
  response: {
    200: {
      type: "object",
      properties: { items: { type: "array", items: string } },
      required: ["items"],
    },
  },
} as const;

const availabilitySchema = {
  summary: "How far the data goes (extension)",
  description:
    "Per project (and `all-projects`): the first and last hour with views, and `last_complete_hour`, the " +
    "latest hour processed. A 404 for dates up to `last_complete_hour` means no views; after it, data " +
    "not loaded yet.",
  tags: ["pageviews (extensions)"],
  response: {
    200: itemsOf(
      { project: string, first_hour: string, last_hour: string, last_complete_hour: string },
      "One item per project, `all-projects` first; hours are `YYYYMMDDHH`, UTC.",
    ),
  },
} as const;

export function listingRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(`${METRICS}/pageviews/`, { schema: listingSchema }, async () => ({ items: PAGEVIEWS_DIMENSIONS }));

  app.get(`${METRICS}/pageviews/availability`, { schema: availabilitySchema }, async (_request, reply) => {
    const { lastCompleteHour, projects } = await context.store.availability();
    reply.header("cache-control", "s-maxage=60, max-age=60");
    const ordered = [...projects].sort((a, b) =>
      a.project === ALL_PROJECTS ? -1 : b.project === ALL_PROJECTS ? 1 : 0,
    );
    return {
      items: ordered.map(({ project, firstHour, lastHour }) => ({
        project,
        first_hour: firstHour,
        last_hour: lastHour,
        last_complete_hour: lastCompleteHour ?? lastHour,
      })),
    };
  });
}
