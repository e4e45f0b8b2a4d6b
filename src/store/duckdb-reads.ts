import type {
  DuckDBConnection,
  DuckDBPreparedStatement,
  DuckDBResultReader,
  DuckDBValue,
} from "@duckdb/node-api";
import { TOP_CUT } from "./duckdb-serving.ts";
import {
  ALL_ACCESS,
  articleBuckets,
  bucketsOf,
  dayKey,
  dayRange,
  dayTimestamp,
  hourRange,
  hourTimestamp,
  monthKey,
  monthRange,
  monthTimestamp,
  type SeriesBuckets,
  storedAccess,
  storedAgent,
} from "./serving-keys.ts";
import type {
  Availability,
  CountryArticle,
  CountryViews,
  Granularity,
  PerArticleQuery,
  SeriesQuery,
  TopArticle,
  TopByCountryQuery,
  TopPerCountryQuery,
  TopQuery,
  TopRangeQuery,
  ViewsAt,
} from "./store.ts";

/**
 * The Pageview API's reads. Every value is a bound parameter; only table and column names, chosen
 * from the constants below, vary in the SQL. `all-access` and `all-agents` sum the stored rows.
 */

const MATCHES_ACCESS = `($access = '${ALL_ACCESS}' OR access_method = $access)`;
const MATCHES_AGENT = `($agent = 'all-agents' OR agent_type = $agent)`;

const ARTICLE_BUCKETS = articleBuckets("day // 100");

const PROJECT_BUCKETS: Readonly<Record<Granularity, SeriesBuckets>> = {
  hourly: {
    table: "project_hourly",
    column: "hour",
    range: hourRange,
    bucket: "hour",
    timestamp: hourTimestamp,
  },
  daily: { table: "project_daily", column: "day", range: dayRange, bucket: "day", timestamp: dayTimestamp },
  monthly: {
    table: "project_monthly",
    column: "month",
    range: monthRange,
    bucket: "month",
    timestamp: monthTimestamp,
  },
};

export async function perArticle(connection: DuckDBConnection, query: PerArticleQuery): Promise<ViewsAt[]> {
  const buckets = bucketsOf(ARTICLE_BUCKETS, query.granularity);
  const { first, last } = buckets.range(query.from, query.to);
  // A bucket with views of any access or agent is returned, with 0 when none match (as the API does).
  const sql = `
    SELECT ${buckets.bucket} AS bucket,
      coalesce(sum(views) FILTER (WHERE ${MATCHES_ACCESS} AND ${MATCHES_AGENT}), 0) AS views
    FROM ${buckets.table}
    WHERE project = $project AND article = $article AND ${buckets.column} BETWEEN $first AND $last
    GROUP BY bucket ORDER BY bucket`;
  return series(connection, sql, buckets, {
    project: query.project,
    article: query.article,
    access: storedAccess(query.access),
    agent: storedAgent(query.agent),
    first,
    last,
  });
}

export async function aggregate(connection: DuckDBConnection, query: SeriesQuery): Promise<ViewsAt[]> {
  const buckets = bucketsOf(PROJECT_BUCKETS, query.granularity);
  const { first, last } = buckets.range(query.from, query.to);
  const sql = `
    SELECT ${buckets.bucket} AS bucket, sum(views) AS views
    FROM ${buckets.table}
    WHERE project = $project AND ${buckets.column} BETWEEN $first AND $last
      AND ${MATCHES_ACCESS} AND ${MATCHES_AGENT}
    GROUP BY bucket ORDER BY bucket`;
  return series(connection, sql, buckets, {
    project: query.project,
    access: storedAccess(query.access),
    agent: storedAgent(query.agent),
    first,
    last,
  });
}

/** Each reader connection's prepared statements, by SQL text (a few dozen: the shapes of the reads). */
const preparedByConnection = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

/**
 * Runs a read as a statement prepared once per connection: parsing and planning again took about a
 * seventh of a one-article year read (3.2 ms instead of 2.8).
 */
async function readAll(
  connection: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
): Promise<DuckDBResultReader> {
  let prepared = preparedByConnection.get(connection);
  if (prepared === undefined) {
    prepared = new Map();
    preparedByConnection.set(connection, prepared);
  }
  let statement = prepared.get(sql);
  if (statement === undefined) {
    statement = await connection.prepare(sql);
    prepared.set(sql, statement);
  }
  statement.bind(params);
  return statement.runAndReadAll();
}

/** Releases a connection's prepared statements, before the connection is closed. */
export function releasePrepared(connection: DuckDBConnection): void {
  for (const statement of preparedByConnection.get(connection)?.values() ?? []) statement.destroySync();
  preparedByConnection.delete(connection);
}

async function series(
  connection: DuckDBConnection,
  sql: string,
  buckets: SeriesBuckets,
  params: Record<string, DuckDBValue>,
): Promise<ViewsAt[]> {
  if ((params.first as number) > (params.last as number)) return [];
  const result = await readAll(connection, sql, params);
  return result.getRows().map(([bucket, views]) => ({
    timestamp: buckets.timestamp(Number(bucket)),
    views: Number(views),
  }));
}

export async function top(connection: DuckDBConnection, query: TopQuery): Promise<TopArticle[]> {
  const [table, column, key] =
    "day" in query
      ? ["top_daily", "day", dayKey(query.day)]
      : ["top_monthly", "month", monthKey(query.month)];
  const result = await readAll(
    connection,
    `SELECT article, views, rank FROM ${table}
     WHERE project = $project AND access_method = $access AND ${column} = $key
     ORDER BY rank, article`,
    { project: query.project, access: storedAccess(query.access), key },
  );
  return result.getRows().map(([article, views, rank]) => ({
    article: article as string,
    views: Number(views),
    rank: rank as number,
  }));
}

/** Ranked as the stored top lists are (see duckdb-serving.ts), over the days and agent asked for. */
export async function topOfRange(connection: DuckDBConnection, query: TopRangeQuery): Promise<TopArticle[]> {
  const result = await readAll(
    connection,
    `SELECT article, views, rank() OVER ranking AS article_rank
     FROM (
       SELECT article, sum(views) AS views FROM per_article_daily
       WHERE project = $project AND day BETWEEN $first AND $last AND article <> '-'
         AND ${MATCHES_ACCESS} AND ${MATCHES_AGENT}
       GROUP BY article HAVING sum(views) > 0
     )
     WINDOW ranking AS (ORDER BY views DESC)
     QUALIFY ${TOP_CUT}
     ORDER BY article_rank, article`,
    {
      project: query.project,
      access: storedAccess(query.access),
      agent: storedAgent(query.agent),
      first: dayKey(query.fromDay),
      last: dayKey(query.toDay),
    },
  );
  return result.getRows().map(([article, views, rank]) => ({
    article: article as string,
    views: Number(views),
    rank: Number(rank),
  }));
}

export async function topByCountry(
  connection: DuckDBConnection,
  query: TopByCountryQuery,
): Promise<CountryViews[]> {
  const result = await readAll(
    connection,
    `SELECT country_code, views_ceil, rank FROM top_by_country_monthly
     WHERE project = $project AND access_method = $access AND month = $month
     ORDER BY rank, country_code`,
    { project: query.project, access: storedAccess(query.access), month: monthKey(query.month) },
  );
  return result.getRows().map(([country, viewsCeil, rank]) => ({
    country: country as string,
    viewsCeil: Number(viewsCeil),
    rank: rank as number,
  }));
}

export async function topPerCountry(
  connection: DuckDBConnection,
  query: TopPerCountryQuery,
): Promise<CountryArticle[]> {
  const result = await readAll(
    connection,
    `SELECT project, article, views, rank FROM top_per_country_daily
     WHERE country_code = $country AND access_method = $access AND day = $day
     ORDER BY rank, project, article`,
    { country: query.country, access: storedAccess(query.access), day: dayKey(query.day) },
  );
  return result.getRows().map(([project, article, views, rank]) => ({
    project: project as string,
    article: article as string,
    views: Number(views),
    rank: rank as number,
  }));
}

export async function availability(connection: DuckDBConnection): Promise<Availability> {
  const processed = await connection.runAndReadAll("SELECT max(hour) FROM hours");
  const lastHour = processed.getRows()[0]?.[0] as number | null | undefined;
  const projects = await connection.runAndReadAll(
    "SELECT project, min(hour), max(hour) FROM project_hourly GROUP BY project ORDER BY project",
  );
  return {
    lastCompleteHour: lastHour == null ? null : hourTimestamp(lastHour),
    projects: projects.getRows().map(([project, first, last]) => ({
      project: project as string,
      firstHour: hourTimestamp(first as number),
      lastHour: hourTimestamp(last as number),
    })),
  };
}
