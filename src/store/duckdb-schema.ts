import type { DuckDBConnection } from "@duckdb/node-api";

/** Bumped by every change to the tables below; a store with a newer version is refused. */
export const SCHEMA_VERSION = 1;

/**
 * DuckDB's on-disk format. v1.3.0 is the first with DICT_FSST string compression, which stores a
 * sorted hour's titles in ~11 bytes a row instead of ~16 (the default format is v0.10.2).
 */
export const STORAGE_VERSION = "v1.3.0";

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
    diff_ip_group_count INTEGER NOT NULL
  )`,

  // Actors labelled automated in an hour, with Wikimedia's automated_reasons per kind of traffic.
  `CREATE TABLE actor_labels_hourly (
    hour INTEGER NOT NULL,
    actor_signature VARCHAR NOT NULL,
    pageview_reason VARCHAR,
    redirect_to_pageview_reason VARCHAR
  )`,

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
];

/** The tables that hold an hour's data, each with an `hour` column. */
export const HOUR_TABLES = [
  "pageview_hourly",
  "actor_metrics_hourly",
  "actor_labels_hourly",
  "hours",
] as const;

/** Per connection: where replaceHour lands rows before moving them, sorted, into the tables. */
export const STAGING_TABLES = [
  `CREATE TEMP TABLE pageview_staging (
    project VARCHAR, language_variant VARCHAR, article VARCHAR, page_id BIGINT, namespace_id INTEGER,
    access_method VARCHAR, agent_type VARCHAR, referer_class VARCHAR, continent VARCHAR,
    country_code VARCHAR, views INTEGER
  )`,
  `CREATE TEMP TABLE actor_metrics_staging AS FROM actor_metrics_hourly SELECT * EXCLUDE (hour) LIMIT 0`,
  `CREATE TEMP TABLE actor_labels_staging AS FROM actor_labels_hourly SELECT * EXCLUDE (hour) LIMIT 0`,
  `CREATE TEMP TABLE dump_staging (
    hour INTEGER, project VARCHAR, article VARCHAR, page_id BIGINT, access_method VARCHAR, agent_type VARCHAR,
    views INTEGER
  )`,
  `CREATE TEMP TABLE dump_hours_staging (hour INTEGER)`,
  `CREATE TEMP TABLE pagecounts_staging (project VARCHAR, access_site VARCHAR, views BIGINT)`,
];

export class StoreSchemaError extends Error {}

/** Creates the tables of an empty store, or checks that an existing one has a version we can read. */
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
    await connection.run("BEGIN TRANSACTION");
    try {
      for (const ddl of [...TABLES, ...ADDED_TABLES]) await connection.run(ddl);
      await connection.run("INSERT INTO schema_version VALUES ($version)", { version: SCHEMA_VERSION });
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK");
      throw error;
    }
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
  if (version !== SCHEMA_VERSION) {
    throw new StoreSchemaError(`${path} has schema version ${version}, which this pageviews does not read.`);
  }
  if (!readOnly) for (const ddl of ADDED_TABLES) await connection.run(ddl);
}
