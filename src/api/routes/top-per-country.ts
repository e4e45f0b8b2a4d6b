import type { FastifyInstance } from "fastify";
import type { ApiAccess } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { invalidRequest, noData } from "../problem.ts";
import { topPeriod } from "../request-params.ts";
import {
  accessParam,
  integer,
  itemsOf,
  monthParam,
  paramsOf,
  problemResponses,
  string,
  yearParam,
} from "../schemas.ts";

interface TopPerCountryParams {
  country: string;
  access: ApiAccess;
  year: string;
  month: string;
  day: string;
}

const schema = {
  summary: "The most viewed articles of all projects in a country on a day",
  description:
    "`user` views, all projects together, of the articles most viewed in a country on a day. For " +
    "privacy, only articles above the server's threshold of views are listed (see `pageviews serve " +
    "--top-per-country-threshold`), and only rounded up to a multiple of 100 (`views_ceil`).",
  tags: ["pageviews"],
  params: paramsOf({
    country: { type: "string", description: "ISO 3166-1 alpha-2 code, upper case (`US`), as stored." },
    access: accessParam,
    year: yearParam,
    month: monthParam,
    day: { type: "string", description: "`DD`." },
  }),
  response: {
    200: itemsOf(
      {
        country: string,
        access: string,
        year: string,
        month: string,
        day: string,
        articles: {
          type: "array",
          items: {
            type: "object",
            properties: { article: string, project: string, views_ceil: integer, rank: integer },
            required: ["article", "project", "views_ceil", "rank"],
          },
        },
      },
      "One item whose `articles` are sorted by rank.",
    ),
    ...problemResponses,
  },
} as const;

export function topPerCountryRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: TopPerCountryParams }>(
    `${METRICS}/pageviews/top-per-country/:country/:access/:year/:month/:day`,
    { schema },
    async (request, reply) => {
      const { country, access, year } = request.params;
      const period = topPeriod(year, request.params.month, request.params.day);
      // Daily only: Wikimedia publishes no monthly list per country.
      if (!("day" in period)) throw invalidRequest(["Given year/month/day is invalid date"]);
      // The country is a key, as in AQS: `us` is not `US`, and finds nothing.
      const ranked = await context.store.topPerCountry({ country, access, day: period.day });
      const shown = ranked.filter(({ views }) => views > context.topPerCountryThreshold);
      if (shown.length === 0) throw noData();
      reply.header("cache-control", await context.freshness.cacheControl(`${period.day}23`));
      return {
        items: [
          {
            country,
            access,
            year,
            month: period.day.slice(4, 6),
            day: period.day.slice(6, 8),
            articles: shown.map(({ article, project, views, rank }) => ({
              article,
              project,
              views_ceil: Math.ceil(views / 100) * 100,
              rank,
            })),
          },
        ],
      };
    },
  );
}
