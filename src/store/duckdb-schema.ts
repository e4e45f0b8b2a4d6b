import type { DuckDBConnection } from "@duckdb/node-api";
import { ARTICLE_INDEX_TABLES } from "./duckdb-article-index.ts";
import { inTransaction } from "./duckdb-transaction.ts";

/**
 * Bumped by every change to the tables below; a store with a newer version is refused, one with an
 * older version is migrated when opened for writing (see {@link MIGRATIONS}).
 */
export const SCHEMA_VERSION = 2;

/**
 * DuckDB's on-disk format. v1.3.0 is the first with DICT_FSST string compression, which stores a
 * sorted hour's titles in ~11 bytes a row instead of ~16 (the default format is v0.10.2).
 */
export const STORAGE_VERSION = "v1.3.0";

/**
 * Which of `shard_count` workers wrote a row of an hour (see hour-parts.ts); a whole hour is shard 0 of 1.
 * Last in their tables, where version 2 added them to version 1's.
 */
const SHARD_COLUMNS = "shard_index SMALLINT NOT NULL DEFAULT 0, shard_count SMALLINT NOT NULL DEFAULT 1";

/**
 * Shards' shares of hours (Store.replaceHourPart): each share's report and pageview rows, summed into
 * `hours` and pageview_hourly once every shard of a count has one. Purged with the actor data.
 */
const PART_TABLES = [
  `CREATE TABLE hour_parts (
    hour INTEGER NOT NULL,
    shard_index SMALLINT NOT NULL,
    shard_count SMALLINT NOT NULL,
    definition_version VARCHAR NOT NULL,
    raw_fingerprint VARCHAR NOT NULL,
    raw_lines BIGINT NOT NULL,
    distinct_lines BIGINT NOT NULL,
    malformed_lines BIGINT NOT NULL,
    processed_at TIMESTAMP NOT NULL,
    pageviews BIGINT NOT NULL,
    PRIMARY KEY (hour, shard_count, shard_index)
  )`,
  `CREATE TABLE pageview_hourly_parts (
    hour INTEGER NOT NULL,
    shard_index SMALLINT NOT NULL,
    shard_count SMALLINT NOT NULL,
    project VARCHAR NOT NULL,
    language_variant VARCHAR NOT NULL,
    article VARCHAR NOT NULL,
    page_id BIGINT,
    namespace_id INTEGER,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    referer_class VARCHAR NOT NULL,
    continent VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    views INTEGER NOT NULL CHECK (views > 0)
  )`,
];

/**
 * Hours are YYYYMMDDHH, days YYYYMMDD and months YYYYMM integers (see serving-keys.ts). No indexes:
 * point reads rely on each slice being inserted sorted, so min/max zonemaps skip row groups, and a
 * primary key would cost an ART index the size of the table.
 */
const TABLES = [
  `CREATE TABLE schema_version (version INTEGER NOT NULL)`,

  // The processed hours and what processing found.
  `CREATE TABLE hours (
    hour INTEGER PRIMARY KEY,
    definition_version VARCHAR NOT NULL,
    raw_fingerprint VARCHAR NOT NULL,
    raw_lines BIGINT NOT NULL,
    distinct_lines BIGINT NOT NULL,
    malformed_lines BIGINT NOT NULL,
    processed_at TIMESTAMP NOT NULL,
    pageviews BIGINT NOT NULL
  )`,

  // Each hour's rows are inserted sorted by (project, article): physically (hour, project, article).
  `CREATE TABLE pageview_hourly (
    hour INTEGER NOT NULL,
    project VARCHAR NOT NULL,
    language_variant VARCHAR NOT NULL,
    article VARCHAR NOT NULL,
    page_id BIGINT,
    namespace_id INTEGER,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    referer_class VARCHAR NOT NULL,
    continent VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    views INTEGER NOT NULL CHECK (views > 0),
    definition_version VARCHAR NOT NULL
  )`,

  // Pseudonymous (hashed signature and IP); purged with the raw data.
  `CREATE TABLE actor_metrics_hourly (
    hour INTEGER NOT NULL,
    actor_signature VARCHAR NOT NULL,
    is_pageview BOOLEAN NOT NULL,
    is_redirect_to_pageview BOOLEAN NOT NULL,
    ip_key VARCHAR NOT NULL,
    pageview_count INTEGER NOT NULL,
    first_ts BIGINT NOT NULL,
    last_ts BIGINT NOT NULL,
    pageview_rate_per_min INTEGER,
    nocookies BIGINT NOT NULL,
    user_agent_length INTEGER NOT NULL,
    distinct_pages_visited INTEGER NOT NULL,
    max_diff_ip_group_size INTEGER NOT NULL,
    diff_ip_group_count INTEGER NOT NULL,
    ${SHARD_COLUMNS}
  )`,

  // Actors labelled automated in an hour, with Wikimedia's automated_reasons per kind of traffic.
  `CREATE TABLE actor_labels_hourly (
    hour INTEGER NOT NULL,
    actor_signature VARCHAR NOT NULL,
    pageview_reason VARCHAR,
    redirect_to_pageview_reason VARCHAR,
    ${SHARD_COLUMNS}
  )`,

  ...PART_TABLES,

  // Serving tables, rebuilt per day (or month) from pageview_hourly. Access methods are stored as in
  // pageview_hourly ("mobile web"); "all-access" keys the sums that a rank needs.
  `CREATE TABLE per_article_daily (
    project VARCHAR NOT NULL,
    article VARCHAR NOT NULL,
    day INTEGER NOT NULL,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  // Months of per_article_daily that compact() has to rewrite as one sorted run.
  `CREATE TABLE per_article_daily_unsorted (month INTEGER PRIMARY KEY)`,
  `CREATE TABLE project_hourly (
    project VARCHAR NOT NULL,
    hour INTEGER NOT NULL,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  `CREATE TABLE project_daily (
    project VARCHAR NOT NULL,
    day INTEGER NOT NULL,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  `CREATE TABLE project_monthly (
    project VARCHAR NOT NULL,
    month INTEGER NOT NULL,
    access_method VARCHAR NOT NULL,
    agent_type VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  // user views per country and day: what top_by_country_monthly sums, so a month is not re-read hourly.
  `CREATE TABLE country_daily (
    project VARCHAR NOT NULL,
    day INTEGER NOT NULL,
    access_method VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  `CREATE TABLE top_daily (
    project VARCHAR NOT NULL,
    access_method VARCHAR NOT NULL,
    day INTEGER NOT NULL,
    article VARCHAR NOT NULL,
    views BIGINT NOT NULL,
    rank INTEGER NOT NULL
  )`,
  `CREATE TABLE top_monthly (
    project VARCHAR NOT NULL,
    access_method VARCHAR NOT NULL,
    month INTEGER NOT NULL,
    article VARCHAR NOT NULL,
    views BIGINT NOT NULL,
    rank INTEGER NOT NULL
  )`,
  `CREATE TABLE top_by_country_monthly (
    project VARCHAR NOT NULL,
    access_method VARCHAR NOT NULL,
    month INTEGER NOT NULL,
    country_code VARCHAR NOT NULL,
    views_ceil BIGINT NOT NULL,
    rank INTEGER NOT NULL
  )`,
  `CREATE TABLE top_per_country_daily (
    country_code VARCHAR NOT NULL,
    access_method VARCHAR NOT NULL,
    day INTEGER NOT NULL,
    project VARCHAR NOT NULL,
    article VARCHAR NOT NULL,
    views BIGINT NOT NULL,
    rank INTEGER NOT NULL
  )`,
];

/**
 * Tables added since version 1 that no earlier table depends on: created where missing whenever a
 * store is opened for writing, so a version-1 store gains them without a version change.
 */
const ADDED_TABLES = [
  // Days of pageview_hourly that compact() has to rewrite as one sorted run.
  `CREATE TABLE IF NOT EXISTS pageview_hourly_unsorted (day INTEGER PRIMARY KEY)`,
  // Dump files imported (`pageviews dumps import`), so that the same file is not imported twice.
  `CREATE TABLE IF NOT EXISTS imported_dumps (
    name VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL
  )`,
  // Legacy pagecounts (2008-2016) imported from Wikimedia's dumps; access_site is desktop-site or mobile-site.
  `CREATE TABLE IF NOT EXISTS pagecounts_hourly (
    hour INTEGER NOT NULL,
    project VARCHAR NOT NULL,
    access_site VARCHAR NOT NULL,
    views BIGINT NOT NULL
  )`,
  ...ARTICLE_INDEX_TABLES,
];

/** The tables that hold an hour's data, each with an `hour` column. */
export const HOUR_TABLES = [
  "pageview_hourly",
  "actor_metrics_hourly",
  "actor_labels_hourly",
  "hours",
  "hour_parts",
  "pageview_hourly_parts",
] as const;

/** The tables whose rows of an hour belong to one shard, each with the shard columns. */
export const SHARDED_TABLES = [
  "hour_parts",
  "pageview_hourly_parts",
  "actor_metrics_hourly",
  "actor_labels_hourly",
] as const;

/** Tables to which version 2 added the shard columns, as the last ones. */
const SHARDED_SINCE_V2 = ["actor_metrics_hourly", "actor_labels_hourly"];

/**
 * What brings a store of each older version to the next one, by version. DuckDB adds no column with a
 * constraint, so NOT NULL is set once the default has filled the column.
 */
const MIGRATIONS: Readonly<Record<number, readonly string[]>> = {
  1: [
    ...SHARDED_SINCE_V2.flatMap((table) => [
      `ALTER TABLE ${table} ADD COLUMN shard_index SMALLINT DEFAULT 0`,
      `ALTER TABLE ${table} ALTER COLUMN shard_index SET NOT NULL`,
      `ALTER TABLE ${table} ADD COLUMN shard_count SMALLINT DEFAULT 1`,
      `ALTER TABLE ${table} ALTER COLUMN shard_count SET NOT NULL`,
    ]),
    ...PART_TABLES,
  ],
};

/** Per connection: where replaceHour and replaceHourPart land rows before moving them, sorted, into the tables. */
export const STAGING_TABLES = [
  `CREATE TEMP TABLE pageview_staging (
    project VARCHAR, language_variant VARCHAR, article VARCHAR, page_id BIGINT, namespace_id INTEGER,
    access_method VARCHAR, agent_type VARCHAR, referer_class VARCHAR, continent VARCHAR,
    country_code VARCHAR, views INTEGER
  )`,
  `CREATE TEMP TABLE actor_metrics_staging AS
     FROM actor_metrics_hourly SELECT * EXCLUDE (hour, shard_index, shard_count) LIMIT 0`,
  `CREATE TEMP TABLE actor_labels_staging AS
     FROM actor_labels_hourly SELECT * EXCLUDE (hour, shard_index, shard_count) LIMIT 0`,
  `CREATE TEMP TABLE dump_staging (
    hour INTEGER, project VARCHAR, article VARCHAR, page_id BIGINT, access_method VARCHAR, agent_type VARCHAR,
    views INTEGER
  )`,
  `CREATE TEMP TABLE dump_hours_staging (hour INTEGER)`,
  `CREATE TEMP TABLE pagecounts_staging (project VARCHAR, access_site VARCHAR, views BIGINT)`,
];

export class StoreSchemaError extends Error {}

/**
 * Creates the tables of an empty store, or checks that an existing one has a version we can read,
 * migrating an older one in place when opened for writing.
 */
export async function prepareSchema(
  connection: DuckDBConnection,
  path: string,
  readOnly: boolean,
): Promise<void> {
  const exists = await connection.runAndReadAll(
    "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'schema_version'",
  );
  if (exists.getRows()[0]?.[0] === 0n) {
    if (readOnly) throw new StoreSchemaError(`${path} is not a pageviews store (it has no tables).`);
    await inTransaction(connection, async () => {
      for (const ddl of [...TABLES, ...ADDED_TABLES]) await connection.run(ddl);
      await connection.run("INSERT INTO schema_version VALUES ($version)", { version: SCHEMA_VERSION });
    });
    return;
  }
  const version = Number(
    (await connection.runAndReadAll("SELECT max(version) FROM schema_version")).getRows()[0]?.[0],
  );
  if (version > SCHEMA_VERSION) {
    throw new StoreSchemaError(
      `${path} has schema version ${version}, written by a newer pageviews; this one reads version ` +
        `${SCHEMA_VERSION}. Upgrade pageviews to use this store.`,
    );
  }
  if (MIGRATIONS[version] === undefined && version !== SCHEMA_VERSION) {
    throw new StoreSchemaError(`${path} has schema version ${version}, which this pageviews does not read.`);
  }
  if (readOnly) {
    if (version !== SCHEMA_VERSION) {
      throw new StoreSchemaError(
        `${path} has schema version ${version}, written by an earlier pageviews; this one reads version ` +
          `${SCHEMA_VERSION}. Open it once for writing (e.g. run \`pageviews ingest\` on it), which ` +
          "upgrades it in place, then read-only again.",
      );
    }
    return;
  }
  // ADDED_TABLES first: a version-1 store may predate them, and no migration depends on them.
  for (const ddl of ADDED_TABLES) await connection.run(ddl);
  if (version !== SCHEMA_VERSION) await migrate(connection, version);
}

/** Brings a store from `version` to {@link SCHEMA_VERSION}, in one transaction. */
async function migrate(connection: DuckDBConnection, version: number): Promise<void> {
  await inTransaction(connection, async () => {
    for (let from = version; from < SCHEMA_VERSION; from++) {
      for (const ddl of MIGRATIONS[from] ?? []) await connection.run(ddl);
    }
    await connection.run("UPDATE schema_version SET version = $version", { version: SCHEMA_VERSION });
  });
}
