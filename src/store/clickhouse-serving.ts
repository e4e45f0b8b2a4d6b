import { localTable } from "./clickhouse-schema.ts";
import { sqlValue } from "./clickhouse-sql.ts";
import { hoursOfDay } from "./serving-keys.ts";

/** How one serving table's partition of a day is computed: `INSERT INTO <table> (columns) select`. */
export interface DayRebuild {
  table: string;
  columns: string;
  select: string;
}

/**
 * Rebuilding a day of the serving tables, run on every shard against its own rows: pageview_hourly is
 * sharded by article, so per-article sums are whole on one shard, and per-project or per-country sums
 * are partial sums that reads add up. Each table's day is one partition, which the store swaps for the
 * rebuilt one.
 */
export function dayRebuilds(database: string, day: number): DayRebuild[] {
  const { first, last } = hoursOfDay(day);
  const hourly = `${localTable(database, "pageview_hourly")}
    WHERE hour BETWEEN ${sqlValue(first)} AND ${sqlValue(last)}`;
  const rebuild = (table: string, columns: string, select: string) => [{ table, columns, select }];
  return [
    ...rebuild(
      "per_article_daily",
      "day, project, article, access_method, agent_type, views",
      `SELECT ${sqlValue(day)}, project, article, access_method, agent_type, sum(views)
       FROM ${hourly}
       GROUP BY project, article, access_method, agent_type`,
    ),
    ...rebuild(
      "project_hourly",
      "hour, project, access_method, agent_type, views",
      `SELECT hour, project, access_method, agent_type, sum(views)
       FROM ${hourly}
       GROUP BY hour, project, access_method, agent_type`,
    ),
    ...rebuild(
      "country_daily",
      "day, project, access_method, country_code, views",
      `SELECT ${sqlValue(day)}, project, access_method, country_code, sum(views)
       FROM ${hourly} AND agent_type = 'user'
       GROUP BY project, access_method, country_code`,
    ),
    // Unknown countries (--) and `-` are never ranked, so they are not kept.
    ...rebuild(
      "country_article_daily",
      "day, country_code, access_method, project, article, views",
      `SELECT ${sqlValue(day)}, country_code, access_method, project, article, sum(views)
       FROM ${hourly} AND agent_type = 'user' AND article != '-' AND country_code != '--'
       GROUP BY country_code, access_method, project, article`,
    ),
  ];
}
