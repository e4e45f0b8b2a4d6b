import { sqlIdentifier } from "./clickhouse-sql.ts";

/** Bumped by every change to the tables below; a database with a newer version is refused. */
export const CLICKHOUSE_SCHEMA_VERSION = 1;

/**
 * Each table exists twice: `<name>_local`, a MergeTree created on every shard, holding that shard's
 * rows; and `<name>`, a Distributed table over the cluster's `<name>_local` tables, through which rows
 * are inserted and read. Only the subset of SQL that ClickHouse 18.16 and current releases share is used:
 * no TTL, codecs, Nullable keys, DateTime64, window functions or query parameters. Hours, days and
 * months are the integers YYYYMMDDHH, YYYYMMDD and YYYYMM, as in the DuckDB store; timestamps are
 * epoch milliseconds (Int64), so no DateTime text format is ever parsed.
 */
export interface TableSpec {
  name: string;
  columns: string;
  partitionBy: string;
  orderBy: string;
  /**
   * The Distributed table's sharding key, for tables inserted through it; serving tables have none,
   * since each shard computes them from its own rows.
   */
  shardingKey: string | null;
}

/** Every article's rows live on one shard: per-article reads and per-article rollups stay on it. */
const BY_ARTICLE = "cityHash64(project, article)";

/** Hour tables, partitioned by hour: replacing an hour drops its partition on every shard. */
export const HOUR_TABLES: readonly TableSpec[] = [
  {
    name: "hours",
    columns: `hour UInt32, definition_version String, raw_fingerprint String, raw_lines UInt64,
      distinct_lines UInt64, malformed_lines UInt64, processed_at_ms Int64, pageviews UInt64`,
    partitionBy: "hour",
    orderBy: "hour",
    shardingKey: "hour",
  },
  {
    name: "pageview_hourly",
    columns: `hour UInt32, project String, language_variant String, article String, page_id Nullable(Int64),
      namespace_id Nullable(Int32), access_method String, agent_type String, referer_class String,
      continent String, country_code String, views UInt32, definition_version String`,
    partitionBy: "hour",
    orderBy: "(project, article, access_method, agent_type, country_code, referer_class)",
    shardingKey: BY_ARTICLE,
  },
  {
    name: "actor_metrics_hourly",
    columns: `hour UInt32, actor_signature String, is_pageview UInt8, is_redirect_to_pageview UInt8,
      ip_key String, pageview_count Int32, first_ts Int64, last_ts Int64, pageview_rate_per_min Nullable(Int32),
      nocookies Int64, user_agent_length Int32, distinct_pages_visited Int32, max_diff_ip_group_size Int32,
      diff_ip_group_count Int32`,
    partitionBy: "hour",
    orderBy: "actor_signature",
    shardingKey: "cityHash64(actor_signature)",
  },
  {
    name: "actor_labels_hourly",
    columns: `hour UInt32, actor_signature String, pageview_reason Nullable(String),
      redirect_to_pageview_reason Nullable(String)`,
    partitionBy: "hour",
    orderBy: "actor_signature",
    shardingKey: "cityHash64(actor_signature)",
  },
];

/**
 * Serving tables, partitioned by day and rebuilt per day on each shard from its own pageview_hourly
 * rows. They hold partial sums where a key spans shards (project_hourly, country_daily): reads sum them.
 * Months, tops and ranks are computed when read (see clickhouse-reads.ts).
 */
export const SERVING_TABLES: readonly TableSpec[] = [
  {
    name: "per_article_daily",
    columns: `day UInt32, project String, article String, access_method String, agent_type String, views UInt64`,
    partitionBy: "day",
    orderBy: "(project, article, day, access_method, agent_type)",
    shardingKey: null,
  },
  {
    name: "project_hourly",
    columns: `hour UInt32, project String, access_method String, agent_type String, views UInt64`,
    partitionBy: "intDiv(hour, 100)",
    orderBy: "(project, hour, access_method, agent_type)",
    shardingKey: null,
  },
  {
    name: "country_daily",
    columns: `day UInt32, project String, access_method String, country_code String, views UInt64`,
    partitionBy: "day",
    orderBy: "(project, access_method, country_code)",
    shardingKey: null,
  },
  {
    name: "country_article_daily",
    columns: `day UInt32, country_code String, access_method String, project String, article String, views UInt64`,
    partitionBy: "day",
    orderBy: "(country_code, access_method, project, article)",
    shardingKey: null,
  },
];

export const ALL_TABLES: readonly TableSpec[] = [...HOUR_TABLES, ...SERVING_TABLES];

export function localTable(database: string, table: string): string {
  return `${sqlIdentifier(database)}.${sqlIdentifier(`${table}_local`)}`;
}

export function distributedTable(database: string, table: string): string {
  return `${sqlIdentifier(database)}.${sqlIdentifier(table)}`;
}

/** What each shard runs: the database, its local tables and the schema version. */
export function shardDdl(database: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(database)}`,
    ...ALL_TABLES.map(
      (table) =>
        `CREATE TABLE IF NOT EXISTS ${localTable(database, table.name)} (${table.columns})
         ENGINE = MergeTree PARTITION BY ${table.partitionBy} ORDER BY ${table.orderBy}`,
    ),
    `CREATE TABLE IF NOT EXISTS ${localTable(database, "schema_version")} (version UInt32)
     ENGINE = MergeTree PARTITION BY version ORDER BY version`,
  ];
}

/**
 * The Distributed tables, created on every shard too, so that any server of the cluster can take
 * the store's reads and writes.
 */
export function distributedDdl(database: string, cluster: string): string[] {
  return ALL_TABLES.map((table) => {
    const args = [
      sqlIdentifier(cluster),
      sqlIdentifier(database),
      sqlIdentifier(`${table.name}_local`),
      ...(table.shardingKey === null ? [] : [table.shardingKey]),
    ];
    return `CREATE TABLE IF NOT EXISTS ${distributedTable(database, table.name)}
      AS ${localTable(database, table.name)} ENGINE = Distributed(${args.join(", ")})`;
  });
}
