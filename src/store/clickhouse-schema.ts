import { sqlIdentifier, sqlValue } from "./clickhouse-sql.ts";

/**
 * Bumped by every change to the tables below; a database of another version is refused (none is
 * migrated: the ClickHouse store has not been released with an earlier one).
 */
export const CLICKHOUSE_SCHEMA_VERSION = 2;

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

/**
 * Tables of rows that belong to one shard of a worker count (see hour-parts.ts; a whole hour is shard 0
 * of 1): one partition per hour and shard, so that replacing a shard's share drops only its partitions.
 */
const BY_HOUR_AND_SHARD = "(hour, shard_count, shard_index)";

/** The partition of a table partitioned {@link BY_HOUR_AND_SHARD}. */
export interface ShardPartition {
  hour: number;
  count: number;
  index: number;
}

/** The tables partitioned {@link BY_HOUR_AND_SHARD}. */
export const SHARDED_TABLES = [
  "hour_parts",
  "pageview_hourly_parts",
  "actor_metrics_hourly",
  "actor_labels_hourly",
] as const;

/**
 * Hour tables, partitioned by hour (`hours`, pageview_hourly: replacing an hour drops its partition on
 * every shard) or by hour and shard (the others).
 */
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
      diff_ip_group_count Int32, shard_index UInt16, shard_count UInt16`,
    partitionBy: BY_HOUR_AND_SHARD,
    orderBy: "actor_signature",
    shardingKey: "cityHash64(actor_signature)",
  },
  {
    name: "actor_labels_hourly",
    columns: `hour UInt32, actor_signature String, pageview_reason Nullable(String),
      redirect_to_pageview_reason Nullable(String), shard_index UInt16, shard_count UInt16`,
    partitionBy: BY_HOUR_AND_SHARD,
    orderBy: "actor_signature",
    shardingKey: "cityHash64(actor_signature)",
  },
  // Shards' shares of hours: their reports, and their rows summed into pageview_hourly once complete.
  {
    name: "hour_parts",
    columns: `hour UInt32, shard_index UInt16, shard_count UInt16, definition_version String,
      raw_fingerprint String, raw_lines UInt64, distinct_lines UInt64, malformed_lines UInt64,
      processed_at_ms Int64, pageviews UInt64`,
    partitionBy: BY_HOUR_AND_SHARD,
    orderBy: "hour",
    shardingKey: "hour",
  },
  {
    // Sharded as pageview_hourly, so that each ClickHouse shard sums its own articles' rows.
    name: "pageview_hourly_parts",
    columns: `hour UInt32, shard_index UInt16, shard_count UInt16, project String, language_variant String,
      article String, page_id Nullable(Int64), namespace_id Nullable(Int32), access_method String,
      agent_type String, referer_class String, continent String, country_code String, views UInt32`,
    partitionBy: BY_HOUR_AND_SHARD,
    orderBy: "(project, article, access_method, agent_type, country_code, referer_class)",
    shardingKey: BY_ARTICLE,
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

/** What each shard runs first: the database and its schema version, checked before any other table. */
export function versionDdl(database: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(database)}`,
    `CREATE TABLE IF NOT EXISTS ${localTable(database, "schema_version")} (version UInt32)
     ENGINE = MergeTree PARTITION BY version ORDER BY version`,
  ];
}

/** What each shard runs then: its local tables. */
export function shardDdl(database: string): string[] {
  return ALL_TABLES.map(
    (table) =>
      `CREATE TABLE IF NOT EXISTS ${localTable(database, table.name)} (${table.columns})
       ENGINE = MergeTree PARTITION BY ${table.partitionBy} ORDER BY ${table.orderBy}`,
  );
}

/** A {@link ShardPartition} as the literal that names it in `ALTER TABLE ... DROP PARTITION`. */
export function shardPartition(partition: ShardPartition): string {
  return `(${sqlValue(partition.hour)}, ${sqlValue(partition.count)}, ${sqlValue(partition.index)})`;
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
