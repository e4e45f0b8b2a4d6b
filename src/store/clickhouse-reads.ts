import { distributedTable } from "./clickhouse-schema.ts";
import { sqlValue } from "./clickhouse-sql.ts";
import {
  ALL_ACCESS,
  articleBuckets,
  bucketsOf,
  dayKey,
  dayRange,
  daysOfMonth,
  dayTimestamp,
  hourRange,
  hourTimestamp,
  type KeyRange,
  monthKey,
  monthRange,
  monthTimestamp,
  type SeriesBuckets,
  storedAccess,
  storedAgent,
} from "./serving-keys.ts";
import {
  ALL_PROJECTS,
  type ApiAccess,
  type ApiAgent,
  type Availability,
  type CountryArticle,
  type CountryViews,
  type Granularity,
  type PerArticleQuery,
  type SeriesQuery,
  type TopArticle,
  type TopByCountryQuery,
  type TopPerCountryQuery,
  type TopQuery,
  type TopRangeQuery,
  type ViewsAt,
} from "./store.ts";

/**
 * The Pageview API's reads on ClickHouse, through the Distributed tables. They return exactly what
 * DuckDbStore returns: the same buckets, sums, order, ranks and top-list cut. Ranks are computed here
 * from rows sorted by views (ClickHouse 18.16 has no window functions); strings sort by bytes in both
 * engines, so ties are ordered alike.
 */

export type Select = (sql: string) => Promise<Record<string, unknown>[]>;

const TOP_SIZE = 1000;

function accessFilter(access: ApiAccess): string {
  const stored = storedAccess(access);
  return stored === ALL_ACCESS ? "1" : `access_method = ${sqlValue(stored)}`;
}

function agentFilter(agent: ApiAgent): string {
  const stored = storedAgent(agent);
  return stored === "all-agents" ? "1" : `agent_type = ${sqlValue(stored)}`;
}

const ARTICLE_BUCKETS = articleBuckets("intDiv(day, 100)");

/** Per-project series sum project_hourly's per-shard partial sums into hours, days or months. */
const PROJECT_BUCKETS: Readonly<Record<Granularity, SeriesBuckets>> = {
  hourly: {
    table: "project_hourly",
    column: "hour",
    range: hourRange,
    bucket: "hour",
    timestamp: hourTimestamp,
  },
  daily: {
    table: "project_hourly",
    column: "hour",
    range: (from, to) => {
      const { first, last } = dayRange(from, to);
      return { first: first * 100, last: last * 100 + 23 };
    },
    bucket: "intDiv(hour, 100)",
    timestamp: dayTimestamp,
  },
  monthly: {
    table: "project_hourly",
    column: "hour",
    range: (from, to) => {
      const { first, last } = monthRange(from, to);
      return { first: first * 10_000 + 100, last: last * 10_000 + 3123 };
    },
    bucket: "intDiv(hour, 10000)",
    timestamp: monthTimestamp,
  },
};

export async function perArticle(
  select: Select,
  database: string,
  query: PerArticleQuery,
): Promise<ViewsAt[]> {
  const buckets = bucketsOf(ARTICLE_BUCKETS, query.granularity);
  const { first, last } = buckets.range(query.from, query.to);
  if (first > last) return [];
  // A bucket with views of any access or agent is returned, with 0 when none match (as the API does).
  const rows = await select(`
    SELECT ${buckets.bucket} AS bucket,
      sumIf(views, ${accessFilter(query.access)} AND ${agentFilter(query.agent)}) AS total
    FROM ${distributedTable(database, buckets.table)}
    WHERE project = ${sqlValue(query.project)} AND article = ${sqlValue(query.article)}
      AND ${buckets.column} BETWEEN ${sqlValue(first)} AND ${sqlValue(last)}
    GROUP BY bucket ORDER BY bucket`);
  return toSeries(rows, buckets);
}

export async function aggregate(select: Select, database: string, query: SeriesQuery): Promise<ViewsAt[]> {
  const buckets = bucketsOf(PROJECT_BUCKETS, query.granularity);
  const { first, last } = buckets.range(query.from, query.to);
  if (first > last) return [];
  const project = query.project === ALL_PROJECTS ? "1" : `project = ${sqlValue(query.project)}`;
  const rows = await select(`
    SELECT ${buckets.bucket} AS bucket, sum(views) AS total
    FROM ${distributedTable(database, buckets.table)}
    WHERE ${project} AND ${buckets.column} BETWEEN ${sqlValue(first)} AND ${sqlValue(last)}
      AND ${accessFilter(query.access)} AND ${agentFilter(query.agent)}
    GROUP BY bucket ORDER BY bucket`);
  return toSeries(rows, buckets);
}

function toSeries(rows: Record<string, unknown>[], buckets: SeriesBuckets): ViewsAt[] {
  return rows.map((row) => ({ timestamp: buckets.timestamp(Number(row.bucket)), views: Number(row.total) }));
}

/**
 * SQL `rank()` over rows sorted by views descending, cut as Wikimedia cuts a top list: rows ranked
 * below the rank of row 1001 stay, so a tie straddling the 1000th place is dropped whole. Given at
 * most `limit + 1` rows, that is exact.
 */
export function rankRows<T extends { views: number }>(
  sorted: readonly T[],
  limit: number | null,
): (T & { rank: number })[] {
  const ranked: (T & { rank: number })[] = [];
  for (const [i, row] of sorted.entries()) {
    const previous = ranked[i - 1];
    ranked.push({
      ...row,
      rank: previous !== undefined && previous.views === row.views ? previous.rank : i + 1,
    });
  }
  if (limit === null || ranked.length <= limit) return ranked;
  const cutRank = ranked[limit]?.rank ?? Number.POSITIVE_INFINITY;
  return ranked.slice(0, limit).filter((row) => row.rank < cutRank);
}

/** The user views of a project's articles over days, ranked and cut; `-` is never ranked. */
async function topArticles(
  select: Select,
  database: string,
  where: { project: string; access: ApiAccess; agent: ApiAgent; days: KeyRange },
): Promise<TopArticle[]> {
  const rows = await select(`
    SELECT article, sum(views) AS total FROM ${distributedTable(database, "per_article_daily")}
    WHERE project = ${sqlValue(where.project)}
      AND day BETWEEN ${sqlValue(where.days.first)} AND ${sqlValue(where.days.last)}
      AND article != '-' AND ${accessFilter(where.access)} AND ${agentFilter(where.agent)}
    GROUP BY article HAVING total > 0
    ORDER BY total DESC, article LIMIT ${TOP_SIZE + 1}`);
  const sorted = rows.map((row) => ({ article: String(row.article), views: Number(row.total) }));
  return rankRows(sorted, TOP_SIZE);
}

export function top(select: Select, database: string, query: TopQuery): Promise<TopArticle[]> {
  const days =
    "day" in query
      ? { first: dayKey(query.day), last: dayKey(query.day) }
      : daysOfMonth(monthKey(query.month));
  return topArticles(select, database, { project: query.project, access: query.access, agent: "user", days });
}

export function topOfRange(select: Select, database: string, query: TopRangeQuery): Promise<TopArticle[]> {
  return topArticles(select, database, {
    project: query.project,
    access: query.access,
    agent: query.agent,
    days: { first: dayKey(query.fromDay), last: dayKey(query.toDay) },
  });
}

/** Countries above 99 views, ranked on the exact sums; published as `CEIL(sum / 1000) * 1000`. */
export async function topByCountry(
  select: Select,
  database: string,
  query: TopByCountryQuery,
): Promise<CountryViews[]> {
  const days = daysOfMonth(monthKey(query.month));
  const project = query.project === ALL_PROJECTS ? "1" : `project = ${sqlValue(query.project)}`;
  const rows = await select(`
    SELECT country_code, sum(views) AS total FROM ${distributedTable(database, "country_daily")}
    WHERE ${project} AND day BETWEEN ${sqlValue(days.first)} AND ${sqlValue(days.last)}
      AND ${accessFilter(query.access)}
    GROUP BY country_code HAVING total > 99
    ORDER BY total DESC, country_code`);
  const sorted = rows.map((row) => ({ country: String(row.country_code), views: Number(row.total) }));
  return rankRows(sorted, null).map(({ country, views, rank }) => ({
    country,
    viewsCeil: Math.ceil(views / 1000) * 1000,
    rank,
  }));
}

export async function topPerCountry(
  select: Select,
  database: string,
  query: TopPerCountryQuery,
): Promise<CountryArticle[]> {
  const day = dayKey(query.day);
  const rows = await select(`
    SELECT project, article, sum(views) AS total FROM ${distributedTable(database, "country_article_daily")}
    WHERE country_code = ${sqlValue(query.country)} AND day = ${sqlValue(day)} AND ${accessFilter(query.access)}
    GROUP BY project, article
    ORDER BY total DESC, project, article LIMIT ${TOP_SIZE + 1}`);
  const sorted = rows.map((row) => ({
    project: String(row.project),
    article: String(row.article),
    views: Number(row.total),
  }));
  return rankRows(sorted, TOP_SIZE);
}

/** The `all-projects` span is the widest of the projects' spans; the list is ordered by project bytes. */
export async function availability(select: Select, database: string): Promise<Availability> {
  const [processed] = await select(
    `SELECT count() AS hours, max(hour) AS last FROM ${distributedTable(database, "hours")}`,
  );
  const rows = await select(`
    SELECT project, min(hour) AS first, max(hour) AS last FROM ${distributedTable(database, "project_hourly")}
    GROUP BY project ORDER BY project`);
  const projects = rows.map((row) => ({
    project: String(row.project),
    firstHour: hourTimestamp(Number(row.first)),
    lastHour: hourTimestamp(Number(row.last)),
  }));
  if (rows.length > 0) {
    projects.push({
      project: ALL_PROJECTS,
      firstHour: hourTimestamp(Math.min(...rows.map((row) => Number(row.first)))),
      lastHour: hourTimestamp(Math.max(...rows.map((row) => Number(row.last)))),
    });
    projects.sort((a, b) => Buffer.compare(Buffer.from(a.project), Buffer.from(b.project)));
  }
  return {
    lastCompleteHour: Number(processed?.hours ?? 0) === 0 ? null : hourTimestamp(Number(processed?.last)),
    projects,
  };
}
