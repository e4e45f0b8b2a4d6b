import type { DuckDBConnection } from "@duckdb/node-api";
import { KEEP_DAY_BEFORE, recordChangedMonths } from "./duckdb-article-index.ts";
import { ALL_ACCESS, daysOfMonth, hoursOfDay } from "./serving-keys.ts";
import { ALL_PROJECTS } from "./store.ts";

/**
 * Rebuilding the serving tables. Each slice (a day, or a month) is deleted and inserted again ORDER BY
 * its lookup key, so that DuckDB's min/max zonemaps let a point read skip the row groups of other keys.
 * Daily tables are computed from pageview_hourly; monthly ones from the daily tables, so a month costs
 * its days' serving rows rather than its hours' raw rows. Callers run these inside one transaction.
 */

const TOP_SIZE = 1000;

/**
 * Wikimedia cuts a top list where row 1001 would start: rows ranked below row 1001's rank are kept, so a
 * tie straddling the boundary is dropped whole. Equivalently, a row is kept when at most 1000 rows have
 * as many views or more, which is `count(*)` over the default window frame (it includes the ties).
 */
export const TOP_CUT = `count(*) OVER ranking <= ${TOP_SIZE}`;

/** per_article_daily's day, replaced; recordChangedMonths follows, then {@link DAILY}. */
const PER_ARTICLE_DAY = [
  KEEP_DAY_BEFORE,
  `DELETE FROM per_article_daily WHERE day = $day`,
  `INSERT INTO per_article_daily
     SELECT project, article, $day, access_method, agent_type, sum(views)
     FROM pageview_hourly WHERE hour BETWEEN $firstHour AND $lastHour
     GROUP BY project, article, access_method, agent_type
     ORDER BY project, article, access_method, agent_type`,
];

const DAILY = [
  `INSERT OR IGNORE INTO per_article_daily_unsorted VALUES ($day // 100)`,
  // The day's hourly rows changed (a refresh follows every change of them): compact() sorts them again.
  `INSERT OR IGNORE INTO pageview_hourly_unsorted VALUES ($day)`,

  `DELETE FROM project_hourly WHERE hour BETWEEN $firstHour AND $lastHour`,
  `INSERT INTO project_hourly
     SELECT CASE WHEN grouping(project) = 1 THEN '${ALL_PROJECTS}' ELSE project END AS project_key,
       hour, access_method, agent_type, sum(views)
     FROM pageview_hourly WHERE hour BETWEEN $firstHour AND $lastHour
     GROUP BY GROUPING SETS ((project, hour, access_method, agent_type), (hour, access_method, agent_type))
     ORDER BY project_key, hour, access_method, agent_type`,

  `DELETE FROM project_daily WHERE day = $day`,
  `INSERT INTO project_daily
     SELECT project, $day, access_method, agent_type, sum(views)
     FROM project_hourly WHERE hour BETWEEN $firstHour AND $lastHour
     GROUP BY project, access_method, agent_type
     ORDER BY project, access_method, agent_type`,

  `DELETE FROM country_daily WHERE day = $day`,
  `INSERT INTO country_daily
     SELECT project, $day, access_method, country_code, sum(views)
     FROM pageview_hourly WHERE hour BETWEEN $firstHour AND $lastHour AND agent_type = 'user'
     GROUP BY project, access_method, country_code
     ORDER BY project, access_method, country_code`,

  `DELETE FROM top_daily WHERE day = $day`,
  `INSERT INTO top_daily
     SELECT project, access_key, $day, article, views, rank() OVER ranking AS article_rank
     FROM (
       SELECT project, CASE WHEN grouping(access_method) = 1 THEN '${ALL_ACCESS}' ELSE access_method END AS access_key,
         article, sum(views) AS views
       FROM per_article_daily WHERE day = $day AND agent_type = 'user' AND article <> '-'
       GROUP BY GROUPING SETS ((project, access_method, article), (project, article))
     )
     WINDOW ranking AS (PARTITION BY project, access_key ORDER BY views DESC)
     QUALIFY ${TOP_CUT}
     ORDER BY project, access_key, article_rank, article`,

  // All projects together, per country; unknown countries (--) are left out, as by Wikimedia.
  `DELETE FROM top_per_country_daily WHERE day = $day`,
  `INSERT INTO top_per_country_daily
     SELECT country_code, access_key, $day, project, article, views, rank() OVER ranking AS article_rank
     FROM (
       SELECT country_code, CASE WHEN grouping(access_method) = 1 THEN '${ALL_ACCESS}' ELSE access_method END AS access_key,
         project, article, sum(views) AS views
       FROM pageview_hourly
       WHERE hour BETWEEN $firstHour AND $lastHour AND agent_type = 'user' AND article <> '-' AND country_code <> '--'
       GROUP BY GROUPING SETS ((country_code, access_method, project, article), (country_code, project, article))
     )
     WINDOW ranking AS (PARTITION BY country_code, access_key ORDER BY views DESC)
     QUALIFY ${TOP_CUT}
     ORDER BY country_code, access_key, article_rank, project, article`,
];

/** Monthly tables hold plain sums of the days present; the API decides whether a month is whole. */
const MONTHLY = [
  `DELETE FROM project_monthly WHERE month = $month`,
  `INSERT INTO project_monthly
     SELECT project, $month, access_method, agent_type, sum(views)
     FROM project_daily WHERE day BETWEEN $firstDay AND $lastDay
     GROUP BY project, access_method, agent_type
     ORDER BY project, access_method, agent_type`,

  `DELETE FROM top_monthly WHERE month = $month`,
  `INSERT INTO top_monthly
     SELECT project, access_key, $month, article, views, rank() OVER ranking AS article_rank
     FROM (
       SELECT project, CASE WHEN grouping(access_method) = 1 THEN '${ALL_ACCESS}' ELSE access_method END AS access_key,
         article, sum(views) AS views
       FROM per_article_daily
       WHERE day BETWEEN $firstDay AND $lastDay AND agent_type = 'user' AND article <> '-'
       GROUP BY GROUPING SETS ((project, access_method, article), (project, article))
     )
     WINDOW ranking AS (PARTITION BY project, access_key ORDER BY views DESC)
     QUALIFY ${TOP_CUT}
     ORDER BY project, access_key, article_rank, article`,

  // Wikimedia ranks the exact sums, keeps countries above 99 views, and publishes CEIL(sum/1000)*1000.
  `DELETE FROM top_by_country_monthly WHERE month = $month`,
  `INSERT INTO top_by_country_monthly
     SELECT project_key, access_key, $month, country_code, CAST(ceil(views / 1000) * 1000 AS BIGINT),
       rank() OVER (PARTITION BY project_key, access_key ORDER BY views DESC) AS country_rank
     FROM (
       SELECT CASE WHEN grouping(project) = 1 THEN '${ALL_PROJECTS}' ELSE project END AS project_key,
         CASE WHEN grouping(access_method) = 1 THEN '${ALL_ACCESS}' ELSE access_method END AS access_key,
         country_code, sum(views) AS views
       FROM country_daily WHERE day BETWEEN $firstDay AND $lastDay
       GROUP BY GROUPING SETS (
         (project, access_method, country_code), (project, country_code), (access_method, country_code), (country_code)
       )
       HAVING sum(views) > 99
     )
     ORDER BY project_key, access_key, country_rank, country_code`,
];

export async function refreshDay(connection: DuckDBConnection, day: number): Promise<void> {
  const { first, last } = hoursOfDay(day);
  const params = { day, firstHour: first, lastHour: last };
  for (const sql of PER_ARTICLE_DAY) await connection.run(sql, pick(sql, params));
  await recordChangedMonths(connection, day);
  for (const sql of DAILY) await connection.run(sql, pick(sql, params));
}

export async function refreshMonth(connection: DuckDBConnection, month: number): Promise<void> {
  const { first, last } = daysOfMonth(month);
  const params = { month, firstDay: first, lastDay: last };
  for (const sql of MONTHLY) await connection.run(sql, pick(sql, params));
}

/** Months whose per_article_daily rows are day slices rather than one sorted run, ascending. */
export async function unsortedMonths(connection: DuckDBConnection): Promise<number[]> {
  const result = await connection.runAndReadAll(
    "SELECT month FROM per_article_daily_unsorted ORDER BY month",
  );
  return result.getRows().map(([month]) => month as number);
}

/**
 * Rewrites a month of per_article_daily as one run sorted by (project, article, day): a year's read of
 * one article then touches a row group or two per month instead of one per day. DuckDB drops the
 * emptied row groups; it keeps no order of its own, hence this.
 */
export async function sortMonth(connection: DuckDBConnection, month: number): Promise<void> {
  const { first, last } = daysOfMonth(month);
  const params = { month, firstDay: first, lastDay: last };
  const steps = [
    `CREATE OR REPLACE TEMP TABLE month_sorted AS
       FROM per_article_daily WHERE day BETWEEN $firstDay AND $lastDay
       ORDER BY project, article, day, access_method, agent_type`,
    `DELETE FROM per_article_daily WHERE day BETWEEN $firstDay AND $lastDay`,
    `INSERT INTO per_article_daily FROM month_sorted`,
    `DROP TABLE month_sorted`,
    `DELETE FROM per_article_daily_unsorted WHERE month = $month`,
  ];
  for (const sql of steps) await connection.run(sql, pick(sql, params));
}

/** Days whose pageview_hourly rows are hour slices rather than one sorted run, ascending. */
export async function unsortedDays(connection: DuckDBConnection): Promise<number[]> {
  const result = await connection.runAndReadAll("SELECT day FROM pageview_hourly_unsorted ORDER BY day");
  return result.getRows().map(([day]) => day as number);
}

/**
 * Rewrites a day of pageview_hourly as one run sorted by (project, article, hour, …): titles and keys
 * repeat across the day's hours, so a day compresses to 16 bytes a row where hour slices took 22.6
 * (40,000-row hours of generated traffic), and an article's hourly read touches fewer row groups.
 */
export async function sortDay(connection: DuckDBConnection, day: number): Promise<void> {
  const { first, last } = hoursOfDay(day);
  const params = { day, firstHour: first, lastHour: last };
  const steps = [
    `CREATE OR REPLACE TEMP TABLE day_sorted AS
       FROM pageview_hourly WHERE hour BETWEEN $firstHour AND $lastHour
       ORDER BY project, article, hour, access_method, agent_type, country_code, referer_class`,
    `DELETE FROM pageview_hourly WHERE hour BETWEEN $firstHour AND $lastHour`,
    `INSERT INTO pageview_hourly FROM day_sorted`,
    `DROP TABLE day_sorted`,
    `DELETE FROM pageview_hourly_unsorted WHERE day = $day`,
  ];
  for (const sql of steps) await connection.run(sql, pick(sql, params));
}

/** DuckDB refuses parameters a statement does not use: passes only those named in `sql`. */
function pick(sql: string, params: Record<string, number>): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`\\$${name}\\b`).test(sql)) used[name] = value;
  }
  return used;
}
