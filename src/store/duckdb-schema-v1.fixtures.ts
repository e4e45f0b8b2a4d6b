/**
 * The tables of a schema-version-1 store, as pageviews created them before shards' shares (version 2):
 * for testing the migration on a store made by the old DDL, not by today's minus what changed.
 */
export const SCHEMA_V1_TABLES: readonly string[] = [
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
