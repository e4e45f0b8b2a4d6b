import type { FastifyInstance } from "fastify";
import { daysOfMonth } from "../../store/serving-keys.ts";
import type { ApiAccess } from "../../store/store.ts";
import { type ApiContext, METRICS } from "../context.ts";
import { noData } from "../problem.ts";
import { countryMonth, normalizeProject } from "../request-params.ts";
import {
  accessParam,
  integer,
  itemsOf,
  monthParam,
  paramsOf,
  problemResponses,
  projectParam,
  string,
  yearParam,
} from "../schemas.ts";

interface TopByCountryParams {
  project: string;
  access: ApiAccess;
  year: string;
  month: string;
}

/**
 * AQS's bucket of a `views_ceil`: `10^(n-1)-(10^n - 1)` for its n digits, where an exact power of ten
 * drops to the bucket below, and anything under 100 reads `100-999`.
 */
export function viewsBucket(viewsCeil: number): string {
  const decimal = BigInt(Math.max(0, Math.trunc(viewsCeil))).toString();
  const digits = Math.max(/^10*$/.test(decimal) ? decimal.length - 1 : decimal.length, 3);
  // Written out digit by digit: 10^16 - 1 is beyond a double's exact integers.
  return `1${"0".repeat(digits - 1)}-${"9".repeat(digits)}`;
}

const schema = {
  summary: "Countries ranked by the views of a project in a month",
  description:
    "`user` views of a project (or `all-projects`) in a month, per country: countries with more than 99 " +
    "views, ranked by their exact views; `views_ceil` is the views rounded up to a multiple of 1000 and " +
    "`views` the order of magnitude of `views_ceil`, as a range (`1000-9999`).",
  tags: ["pageviews"],
  params: paramsOf({ project: projectParam, access: accessParam, year: yearParam, month: monthParam }),
  response: {
    200: itemsOf(
      {
        project: string,
        access: string,
        year: string,
        month: string,
        countries: {
          type: "array",
          items: {
            type: "object",
            properties: { country: string, views: string, rank: integer, views_ceil: integer },
            required: ["country", "views", "rank", "views_ceil"],
          },
        },
      },
      "One item whose `countries` are sorted by rank.",
    ),
    ...problemResponses,
  },
} as const;

export function topByCountryRoute(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: TopByCountryParams }>(
    `${METRICS}/pageviews/top-by-country/:project/:access/:year/:month`,
    { schema },
    async (request, reply) => {
      const { access, year } = request.params;
      const project = normalizeProject(request.params.project);
      const month = countryMonth(year, request.params.month);
      const countries = await context.store.topByCountry({ project, access, month });
      if (countries.length === 0) throw noData();
      const { last } = daysOfMonth(Number(month));
      reply.header("cache-control", await context.freshness.cacheControl(`${last}23`));
      return {
        items: [
          {
            project,
            access,
            year,
            month: month.slice(4, 6),
            countries: countries.map(({ country, viewsCeil, rank }) => ({
              country,
              views: viewsBucket(viewsCeil),
              rank,
              views_ceil: viewsCeil,
            })),
          },
        ],
      };
    },
  );
}
