import { randomBytes } from "node:crypto";
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import * as reads from "./clickhouse-reads.ts";
import {
  CLICKHOUSE_SCHEMA_VERSION,
  distributedDdl,
  distributedTable,
  localTable,
  SHARDED_TABLES,
  type ShardPartition,
  shardDdl,
  shardPartition,
  versionDdl,
} from "./clickhouse-schema.ts";
import { dayRebuilds } from "./clickhouse-serving.ts";
import { sqlIdentifier, sqlList, sqlValue } from "./clickhouse-sql.ts";
import { checkShard, completedHour, WHOLE_HOUR } from "./hour-parts.ts";
import { dayKey, hourKey, hourTimestamp } from "./serving-keys.ts";
import type {
  Availability,
  CountryArticle,
  CountryViews,
  HourPart,
  HourState,
  LegacyPagecountsQuery,
  PerArticleQuery,
  ProcessedHour,
  SeriesQuery,
  ShardSpec,
  Store,
  TopArticle,
  TopByCountryQuery,
  TopPerCountryQuery,
  TopQuery,
  TopRangeQuery,
  ViewsAt,
} from "./store.ts";

export interface ClickHouseStoreOptions {
  /** HTTP URL of the server that takes reads and inserts (any server of the cluster). */
  url: string;
  database: string;
  /** The cluster, as named in the servers' `remote_servers`. */
  cluster: string;
  /**
   * HTTP URL of one server of each shard, for what only a shard's own server can do (creating its
   * tables, dropping partitions, rebuilding serving rows). Defaults to `[url]`, right for one shard.
   */
  shardUrls?: readonly string[];
}

export class ClickHouseStoreError extends Error {}

/** Signatures per `IN (...)` list: keeps each query well below max_query_size (256 KiB). */
const SIGNATURES_PER_QUERY = 2000;

/**
 * The store on a ClickHouse cluster (18.16, as Debian ships it, and current releases), over HTTP.
 * Writes are serialised in this process. An hour is replaced by dropping its partition on every shard
 * and inserting the new rows (synchronously, through the Distributed tables): never counted twice, but
 * not atomic as DuckDB's is: a read during the replacement can see the hour missing or partly inserted.
 * The hour's `hours` row is written last, so a replacement that fails leaves the hour unprocessed.
 * A shard's share of an hour drops and inserts only its own partitions; the hour it completes is
 * swapped in per ClickHouse shard (REPLACE PARTITION), since workers in other processes may complete
 * the same hour at the same moment.
 */
export class ClickHouseStore implements Store {
  readonly #entry: ClickHouseClient;
  readonly #shards: readonly ClickHouseClient[];
  readonly #database: string;
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(entry: ClickHouseClient, shards: readonly ClickHouseClient[], database: string) {
    this.#entry = entry;
    this.#shards = shards;
    this.#database = database;
  }

  /** Connects, checks that the shard URLs cover the cluster once each, and creates missing tables. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const entry = client(options.url);
    const shards = (options.shardUrls ?? [options.url]).map(client);
    const store = new ClickHouseStore(entry, shards, options.database);
    try {
      await store.#checkShards(options);
      await store.#prepareSchema(options.cluster);
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async #checkShards(options: ClickHouseStoreOptions): Promise<void> {
    const cluster = sqlValue(options.cluster);
    const expected = await select(
      this.#entry,
      `SELECT DISTINCT shard_num FROM system.clusters WHERE cluster = ${cluster} ORDER BY shard_num`,
    );
    if (expected.length === 0) {
      throw new ClickHouseStoreError(
        `${options.url} knows no cluster ${options.cluster} (see remote_servers in its configuration).`,
      );
    }
    const seen = new Map<number, string>();
    const shardUrls = options.shardUrls ?? [options.url];
    for (const [i, shard] of this.#shards.entries()) {
      const url = shardUrls[i] ?? "";
      const own = await select(
        shard,
        `SELECT shard_num FROM system.clusters WHERE cluster = ${cluster} AND is_local ORDER BY shard_num`,
      );
      const num = Number(own[0]?.shard_num);
      if (own.length !== 1) {
        throw new ClickHouseStoreError(`${url} is not one shard of the cluster ${options.cluster}.`);
      }
      const other = seen.get(num);
      if (other !== undefined)
        throw new ClickHouseStoreError(`${url} and ${other} are the same shard (${num}).`);
      seen.set(num, url);
    }
    const missing = expected.map((row) => Number(row.shard_num)).filter((num) => !seen.has(num));
    if (missing.length > 0) {
      throw new ClickHouseStoreError(
        `No URL given for shard ${missing.join(", ")} of the cluster ${options.cluster}: ` +
          "every shard's server must be listed (its tables are created and its partitions dropped there).",
      );
    }
  }

  async #prepareSchema(cluster: string): Promise<void> {
    const versionTable = localTable(this.#database, "schema_version");
    for (const shard of this.#shards) {
      for (const ddl of versionDdl(this.#database)) await command(shard, ddl);
      const [row] = await select(shard, `SELECT count() AS n, max(version) AS version FROM ${versionTable}`);
      const version = Number(row?.version);
      const empty = Number(row?.n) === 0;
      if (!empty && version > CLICKHOUSE_SCHEMA_VERSION) {
        throw new ClickHouseStoreError(
          `The database ${this.#database} has schema version ${version}, written by a newer pageviews; this one ` +
            `reads version ${CLICKHOUSE_SCHEMA_VERSION}. Upgrade pageviews to use this store.`,
        );
      }
      if (!empty && version !== CLICKHOUSE_SCHEMA_VERSION) {
        throw new ClickHouseStoreError(
          `The database ${this.#database} has schema version ${version}, written by an earlier pageviews; this ` +
            `one reads version ${CLICKHOUSE_SCHEMA_VERSION} and does not migrate ClickHouse databases. Drop it ` +
            `(DROP DATABASE ${this.#database} on every shard) and load it again.`,
        );
      }
      for (const ddl of [...shardDdl(this.#database), ...distributedDdl(this.#database, cluster)]) {
        await command(shard, ddl);
      }
      if (empty) {
        await command(
          shard,
          `INSERT INTO ${versionTable} (version) VALUES (${sqlValue(CLICKHOUSE_SCHEMA_VERSION)})`,
        );
      }
    }
  }

  async replaceHour(processed: ProcessedHour): Promise<void> {
    const hour = hourKey(processed.hour);
    // Refused before anything is dropped: ClickHouse has no constraint to stop it half-way.
    const state = hourState(processed);
    await this.#write(async () => {
      // `hours` first and last: while the hour is being replaced, it is not marked processed.
      for (const shard of this.#shards) {
        for (const table of ["hours", "pageview_hourly"]) {
          await command(
            shard,
            `ALTER TABLE ${localTable(this.#database, table)} DROP PARTITION ${sqlValue(hour)}`,
          );
        }
      }
      await this.#dropShardPartitions(await this.#shardPartitions(`hour = ${sqlValue(hour)}`));
      await this.#insert(
        "pageview_hourly",
        processed.pageviews.map((row) => ({ hour, ...row, definition_version: state.definitionVersion })),
      );
      await this.#insertActorRows(hour, processed, WHOLE_HOUR);
      await this.#insert("hours", [hourRow(hour, state)]);
    });
  }

  /**
   * Drops the shard's earlier share and those of other counts, inserts the share with its report
   * last, and when the share was the last one missing, replaces the hour by the shares' sums.
   */
  async replaceHourPart(part: HourPart): Promise<boolean> {
    const { shard, processed } = part;
    checkShard(shard);
    const hour = hourKey(processed.hour);
    const state = hourState(processed);
    return this.#write(async () => {
      const stale = (await this.#shardPartitions(`hour = ${sqlValue(hour)}`)).filter(
        (p) => p.count !== shard.count || p.index === shard.index,
      );
      await this.#dropShardPartitions([...stale, { hour, ...shard }]);
      await this.#insert(
        "pageview_hourly_parts",
        processed.pageviews.map((row) => ({
          hour,
          shard_index: shard.index,
          shard_count: shard.count,
          ...row,
        })),
      );
      await this.#insertActorRows(hour, processed, shard);
      await this.#insert("hour_parts", [
        { ...hourRow(hour, state), shard_index: shard.index, shard_count: shard.count },
      ]);
      const parts = await select(
        this.#entry,
        `SELECT ${STATE_COLUMNS}, shard_index FROM ${distributedTable(this.#database, "hour_parts")}
         WHERE hour = ${sqlValue(hour)} AND shard_count = ${sqlValue(shard.count)}`,
      );
      const completed = completedHour(
        parts.map((row) => ({ ...toHourState(row), shardIndex: Number(row.shard_index) })),
        shard.count,
      );
      if (completed === null) return false;
      await this.#completeHour(hour, shard.count, completed);
      return true;
    });
  }

  /**
   * Replaces the hour in pageview_hourly, then in `hours`, each shard summing its own articles'
   * shares. Each partition is replaced in one step (see {@link replacePartition}), so a process that
   * completes the hour at the same time as this one leaves the same result, never both.
   */
  async #completeHour(hour: number, count: number, completed: HourState): Promise<void> {
    const parts = localTable(this.#database, "pageview_hourly_parts");
    await Promise.all(
      this.#shards.map((shard) =>
        replacePartition(shard, this.#database, "pageview_hourly", hour, (staging) =>
          command(
            shard,
            `INSERT INTO ${staging} (hour, ${PAGEVIEW_KEY}, views, definition_version)
             SELECT hour, ${PAGEVIEW_KEY}, sum(views), ${sqlValue(completed.definitionVersion)}
             FROM ${parts} WHERE hour = ${sqlValue(hour)} AND shard_count = ${sqlValue(count)}
             GROUP BY hour, ${PAGEVIEW_KEY}`,
          ),
        ),
      ),
    );
    // The row lands on the first shard (wherever an earlier one was: every shard's partition is replaced).
    await Promise.all(
      this.#shards.map((shard, position) =>
        replacePartition(shard, this.#database, "hours", hour, async (staging) => {
          if (position === 0) await insertInto(shard, staging, [hourRow(hour, completed)]);
        }),
      ),
    );
  }

  async hourPartStates(shard: ShardSpec): Promise<Map<string, HourState>> {
    checkShard(shard);
    const rows = await select(
      this.#entry,
      `SELECT ${STATE_COLUMNS} FROM ${distributedTable(this.#database, "hour_parts")}
       WHERE shard_index = ${sqlValue(shard.index)} AND shard_count = ${sqlValue(shard.count)}
       ORDER BY hour`,
    );
    return new Map(rows.map((row) => [hourTimestamp(Number(row.hour)), toHourState(row)]));
  }

  // ClickHouse merges parts on its own: compact() has nothing to do, so neither has the option.
  async refreshServing(days: readonly string[], _options?: { compact?: boolean }): Promise<void> {
    const dayKeys = [...new Set(days.map(dayKey))].sort((a, b) => a - b);
    if (dayKeys.length === 0) return;
    await this.#write(async () => {
      for (const day of dayKeys) {
        await Promise.all(
          this.#shards.map(async (shard) => {
            // Swapped, not dropped and inserted: workers in other processes may refresh the same day.
            for (const { table, columns, select } of dayRebuilds(this.#database, day)) {
              await replacePartition(shard, this.#database, table, day, (staging) =>
                command(shard, `INSERT INTO ${staging} (${columns}) ${select}`),
              );
            }
          }),
        );
      }
    });
  }

  /** MergeTree keeps every part sorted by its key and merges parts itself: nothing to do. */
  async compact(): Promise<void> {}

  async actorMetrics(
    fromHour: string,
    toHour: string,
    actorSignatures?: readonly string[],
  ): Promise<ActorHourlyMetrics[]> {
    const range = `hour BETWEEN ${sqlValue(hourKey(fromHour))} AND ${sqlValue(hourKey(toHour))}`;
    const filters: string[] = [];
    if (actorSignatures === undefined) filters.push(range);
    else {
      const unique = [...new Set(actorSignatures)];
      for (let i = 0; i < unique.length; i += SIGNATURES_PER_QUERY) {
        filters.push(`${range} AND actor_signature IN ${sqlList(unique.slice(i, i + SIGNATURES_PER_QUERY))}`);
      }
    }
    const metrics: ActorHourlyMetrics[] = [];
    for (const where of filters) {
      const rows = await select(
        this.#entry,
        `SELECT hour, actor_signature, is_pageview, is_redirect_to_pageview, ip_key, pageview_count, first_ts,
           last_ts, pageview_rate_per_min, nocookies, user_agent_length, distinct_pages_visited,
           max_diff_ip_group_size, diff_ip_group_count
         FROM ${distributedTable(this.#database, "actor_metrics_hourly")} WHERE ${where}
         ORDER BY hour`,
      );
      for (const row of rows) {
        metrics.push({
          hour: hourTimestamp(Number(row.hour)),
          actorSignature: String(row.actor_signature),
          isPageview: Number(row.is_pageview) === 1,
          isRedirectToPageview: Number(row.is_redirect_to_pageview) === 1,
          ipKey: String(row.ip_key),
          pageviewCount: Number(row.pageview_count),
          firstTs: Number(row.first_ts),
          lastTs: Number(row.last_ts),
          pageviewRatePerMin: row.pageview_rate_per_min === null ? null : Number(row.pageview_rate_per_min),
          nocookies: Number(row.nocookies),
          userAgentLength: Number(row.user_agent_length),
          distinctPagesVisited: Number(row.distinct_pages_visited),
          maxDiffIpGroupSize: Number(row.max_diff_ip_group_size),
          diffIpGroupCount: Number(row.diff_ip_group_count),
        });
      }
    }
    // Chunks are each in hour order; a stable sort keeps that order within an hour.
    if (filters.length > 1) metrics.sort((a, b) => Number(a.hour) - Number(b.hour));
    return metrics;
  }

  async hourStates(): Promise<Map<string, HourState>> {
    const rows = await select(
      this.#entry,
      `SELECT ${STATE_COLUMNS} FROM ${distributedTable(this.#database, "hours")} ORDER BY hour`,
    );
    return new Map(rows.map((row) => [hourTimestamp(Number(row.hour)), toHourState(row)]));
  }

  /** Counts the rows, then drops the hours' partitions on every shard. */
  async deleteActorDataBefore(hour: string): Promise<number> {
    const before = `hour < ${sqlValue(hourKey(hour))}`;
    return this.#write(async () => {
      let deleted = 0;
      for (const table of SHARDED_TABLES) {
        const [row] = await select(
          this.#entry,
          `SELECT count() AS n FROM ${distributedTable(this.#database, table)} WHERE ${before}`,
        );
        deleted += Number(row?.n ?? 0);
      }
      await this.#dropShardPartitions(await this.#shardPartitions(before));
      return deleted;
    });
  }

  perArticle(query: PerArticleQuery): Promise<ViewsAt[]> {
    return reads.perArticle(this.#select, this.#database, query);
  }

  aggregate(query: SeriesQuery): Promise<ViewsAt[]> {
    return reads.aggregate(this.#select, this.#database, query);
  }

  top(query: TopQuery): Promise<TopArticle[]> {
    return reads.top(this.#select, this.#database, query);
  }

  topOfRange(query: TopRangeQuery): Promise<TopArticle[]> {
    return reads.topOfRange(this.#select, this.#database, query);
  }

  topByCountry(query: TopByCountryQuery): Promise<CountryViews[]> {
    return reads.topByCountry(this.#select, this.#database, query);
  }

  topPerCountry(query: TopPerCountryQuery): Promise<CountryArticle[]> {
    return reads.topPerCountry(this.#select, this.#database, query);
  }

  availability(): Promise<Availability> {
    return reads.availability(this.#select, this.#database);
  }

  /** Pagecounts come only from imported dumps, which this store does not take yet: there are none. */
  async legacyPagecounts(_query: LegacyPagecountsQuery): Promise<ViewsAt[]> {
    return [];
  }

  async close(): Promise<void> {
    await this.#writes;
    await Promise.all([this.#entry, ...this.#shards].map((c) => c.close()));
  }

  readonly #select: reads.Select = (sql) => select(this.#entry, sql);

  /** The partitions of the sharded tables that hold rows matching `where` (on hours), on any shard. */
  async #shardPartitions(where: string): Promise<ShardPartition[]> {
    const partitions = new Map<string, ShardPartition>();
    for (const table of SHARDED_TABLES) {
      const rows = await select(
        this.#entry,
        `SELECT DISTINCT hour, shard_count, shard_index FROM ${distributedTable(this.#database, table)}
         WHERE ${where}`,
      );
      for (const row of rows) {
        const partition = {
          hour: Number(row.hour),
          count: Number(row.shard_count),
          index: Number(row.shard_index),
        };
        partitions.set(shardPartition(partition), partition);
      }
    }
    return [...partitions.values()];
  }

  /** Drops these partitions of every sharded table on every shard (dropping a missing one does nothing). */
  async #dropShardPartitions(partitions: readonly ShardPartition[]): Promise<void> {
    const names = new Set(partitions.map(shardPartition));
    for (const shard of this.#shards) {
      for (const table of SHARDED_TABLES) {
        for (const name of names) {
          await command(shard, `ALTER TABLE ${localTable(this.#database, table)} DROP PARTITION ${name}`);
        }
      }
    }
  }

  async #insertActorRows(hour: number, processed: ProcessedHour, shard: ShardSpec): Promise<void> {
    const ofShard = { shard_index: shard.index, shard_count: shard.count };
    await this.#insert(
      "actor_metrics_hourly",
      processed.actorMetrics.map((m) => ({
        hour,
        actor_signature: m.actorSignature,
        is_pageview: m.isPageview ? 1 : 0,
        is_redirect_to_pageview: m.isRedirectToPageview ? 1 : 0,
        ip_key: m.ipKey,
        pageview_count: m.pageviewCount,
        first_ts: m.firstTs,
        last_ts: m.lastTs,
        pageview_rate_per_min: m.pageviewRatePerMin,
        nocookies: m.nocookies,
        user_agent_length: m.userAgentLength,
        distinct_pages_visited: m.distinctPagesVisited,
        max_diff_ip_group_size: m.maxDiffIpGroupSize,
        diff_ip_group_count: m.diffIpGroupCount,
        ...ofShard,
      })),
    );
    await this.#insert(
      "actor_labels_hourly",
      processed.automatedActors.map((actor) => ({
        hour,
        actor_signature: actor.actorSignature,
        pageview_reason: actor.reasons.pageview ?? null,
        redirect_to_pageview_reason: actor.reasons.redirect_to_pageview ?? null,
        ...ofShard,
      })),
    );
  }

  /** Inserts through the Distributed table, synchronously: rows are on their shards when it returns. */
  async #insert(table: string, values: readonly Record<string, unknown>[]): Promise<void> {
    if (values.length === 0) return;
    await this.#entry.insert({
      table: distributedTable(this.#database, table),
      values: values as Record<string, unknown>[],
      format: "JSONEachRow",
      clickhouse_settings: { insert_distributed_sync: 1 },
    });
  }

  /** Runs writes one at a time, in call order. */
  #write<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(task);
    this.#writes = run.catch(() => undefined);
    return run;
  }
}

function client(url: string): ClickHouseClient {
  return createClient({ url, log: { level: ClickHouseLogLevel.OFF } });
}

async function select(client: ClickHouseClient, sql: string): Promise<Record<string, unknown>[]> {
  const result = await client.query({ query: sql, format: "JSONEachRow" });
  return result.json<Record<string, unknown>>();
}

async function command(client: ClickHouseClient, sql: string): Promise<void> {
  await client.command({ query: sql });
}

/** Inserts rows straight into a table of one server (a local or staging table). */
async function insertInto(
  client: ClickHouseClient,
  table: string,
  values: readonly Record<string, unknown>[],
): Promise<void> {
  await client.insert({ table, values: values as Record<string, unknown>[], format: "JSONEachRow" });
}

/**
 * Replaces a partition of one shard's local table with what `fill` inserts into a new, empty table of
 * the same structure, named for this call only: `REPLACE PARTITION ... FROM` swaps the partition in one
 * step, so readers never see it missing, and concurrent replacements leave one of their results.
 */
async function replacePartition(
  client: ClickHouseClient,
  database: string,
  table: string,
  partition: number,
  fill: (staging: string) => Promise<void>,
): Promise<void> {
  const staging = `${sqlIdentifier(database)}.${sqlIdentifier(`${table}_swap_${randomBytes(6).toString("hex")}`)}`;
  await command(client, `CREATE TABLE ${staging} AS ${localTable(database, table)}`);
  try {
    await fill(staging);
    await command(
      client,
      `ALTER TABLE ${localTable(database, table)} REPLACE PARTITION ${sqlValue(partition)} FROM ${staging}`,
    );
  } finally {
    await command(client, `DROP TABLE IF EXISTS ${staging}`);
  }
}

/** pageview_hourly's key: every column but views and the definition version. */
const PAGEVIEW_KEY = `project, language_variant, article, page_id, namespace_id, access_method, agent_type,
  referer_class, continent, country_code`;

/** The columns of `hours` (and of `hour_parts`), read by {@link toHourState}. */
const STATE_COLUMNS = `hour, definition_version, raw_fingerprint, raw_lines, distinct_lines, malformed_lines,
  processed_at_ms, pageviews`;

function toHourState(row: Record<string, unknown>): HourState {
  return {
    hour: hourTimestamp(Number(row.hour)),
    definitionVersion: String(row.definition_version),
    rawFingerprint: String(row.raw_fingerprint),
    rawLines: Number(row.raw_lines),
    distinctLines: Number(row.distinct_lines),
    malformedLines: Number(row.malformed_lines),
    processedAt: new Date(Number(row.processed_at_ms)),
    pageviews: Number(row.pageviews),
  };
}

/** The `hours` row of a whole hour (or `hour_parts` row of a share); refuses a row of no views. */
function hourState(processed: ProcessedHour): HourState {
  let pageviews = 0;
  for (const row of processed.pageviews) {
    if (!Number.isSafeInteger(row.views) || row.views <= 0) {
      throw new RangeError(
        `A pageview_hourly row needs views > 0: ${row.project} ${row.article} ${row.views}`,
      );
    }
    pageviews += row.views;
  }
  return { hour: processed.hour, ...processed.report, pageviews };
}

function hourRow(hour: number, state: HourState): Record<string, unknown> {
  return {
    hour,
    definition_version: state.definitionVersion,
    raw_fingerprint: state.rawFingerprint,
    raw_lines: state.rawLines,
    distinct_lines: state.distinctLines,
    malformed_lines: state.malformedLines,
    processed_at_ms: state.processedAt.getTime(),
    pageviews: state.pageviews,
  };
}
