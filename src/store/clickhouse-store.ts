import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import * as reads from "./clickhouse-reads.ts";
import {
  CLICKHOUSE_SCHEMA_VERSION,
  distributedDdl,
  distributedTable,
  HOUR_TABLES,
  localTable,
  shardDdl,
} from "./clickhouse-schema.ts";
import { refreshDayStatements } from "./clickhouse-serving.ts";
import { sqlList, sqlValue } from "./clickhouse-sql.ts";
import { dayKey, hourKey, hourTimestamp } from "./serving-keys.ts";
import type {
  Availability,
  CountryArticle,
  CountryViews,
  HourState,
  LegacyPagecountsQuery,
  PerArticleQuery,
  ProcessedHour,
  SeriesQuery,
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
      for (const ddl of [...shardDdl(this.#database), ...distributedDdl(this.#database, cluster)]) {
        await command(shard, ddl);
      }
      const [row] = await select(shard, `SELECT count() AS n, max(version) AS version FROM ${versionTable}`);
      const version = Number(row?.version);
      if (Number(row?.n) === 0) {
        await command(
          shard,
          `INSERT INTO ${versionTable} (version) VALUES (${sqlValue(CLICKHOUSE_SCHEMA_VERSION)})`,
        );
      } else if (version > CLICKHOUSE_SCHEMA_VERSION) {
        throw new ClickHouseStoreError(
          `The database ${this.#database} has schema version ${version}, written by a newer pageviews; this one ` +
            `reads version ${CLICKHOUSE_SCHEMA_VERSION}. Upgrade pageviews to use this store.`,
        );
      } else if (version !== CLICKHOUSE_SCHEMA_VERSION) {
        throw new ClickHouseStoreError(
          `The database ${this.#database} has schema version ${version}, which this pageviews does not read.`,
        );
      }
    }
  }

  async replaceHour(processed: ProcessedHour): Promise<void> {
    const hour = hourKey(processed.hour);
    const { report } = processed;
    // Refused before anything is dropped: ClickHouse has no constraint to stop it half-way.
    let pageviews = 0;
    for (const row of processed.pageviews) {
      if (!Number.isSafeInteger(row.views) || row.views <= 0) {
        throw new RangeError(
          `A pageview_hourly row needs views > 0: ${row.project} ${row.article} ${row.views}`,
        );
      }
      pageviews += row.views;
    }
    const definitionVersion = report.definitionVersion;
    await this.#write(async () => {
      // `hours` first and last: while the hour is being replaced, it is not marked processed.
      for (const shard of this.#shards) {
        for (const table of HOUR_TABLES) {
          await command(
            shard,
            `ALTER TABLE ${localTable(this.#database, table.name)} DROP PARTITION ${sqlValue(hour)}`,
          );
        }
      }
      await this.#insert(
        "pageview_hourly",
        processed.pageviews.map((row) => ({ hour, ...row, definition_version: definitionVersion })),
      );
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
        })),
      );
      await this.#insert(
        "actor_labels_hourly",
        processed.automatedActors.map((actor) => ({
          hour,
          actor_signature: actor.actorSignature,
          pageview_reason: actor.reasons.pageview ?? null,
          redirect_to_pageview_reason: actor.reasons.redirect_to_pageview ?? null,
        })),
      );
      await this.#insert("hours", [
        {
          hour,
          definition_version: definitionVersion,
          raw_fingerprint: report.rawFingerprint,
          raw_lines: report.rawLines,
          distinct_lines: report.distinctLines,
          malformed_lines: report.malformedLines,
          processed_at_ms: report.processedAt.getTime(),
          pageviews,
        },
      ]);
    });
  }

  async refreshServing(days: readonly string[]): Promise<void> {
    const dayKeys = [...new Set(days.map(dayKey))].sort((a, b) => a - b);
    if (dayKeys.length === 0) return;
    await this.#write(async () => {
      for (const day of dayKeys) {
        await Promise.all(
          this.#shards.map(async (shard) => {
            for (const sql of refreshDayStatements(this.#database, day)) await command(shard, sql);
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
      `SELECT hour, definition_version, raw_fingerprint, raw_lines, distinct_lines, malformed_lines,
         processed_at_ms, pageviews
       FROM ${distributedTable(this.#database, "hours")} ORDER BY hour`,
    );
    const states = new Map<string, HourState>();
    for (const row of rows) {
      const hour = hourTimestamp(Number(row.hour));
      states.set(hour, {
        hour,
        definitionVersion: String(row.definition_version),
        rawFingerprint: String(row.raw_fingerprint),
        rawLines: Number(row.raw_lines),
        distinctLines: Number(row.distinct_lines),
        malformedLines: Number(row.malformed_lines),
        processedAt: new Date(Number(row.processed_at_ms)),
        pageviews: Number(row.pageviews),
      });
    }
    return states;
  }

  /** Counts the rows, then drops the hours' partitions on every shard. */
  async deleteActorDataBefore(hour: string): Promise<number> {
    const before = hourKey(hour);
    const tables = ["actor_metrics_hourly", "actor_labels_hourly"];
    return this.#write(async () => {
      let deleted = 0;
      for (const table of tables) {
        const [row] = await select(
          this.#entry,
          `SELECT count() AS n FROM ${distributedTable(this.#database, table)} WHERE hour < ${sqlValue(before)}`,
        );
        deleted += Number(row?.n ?? 0);
      }
      for (const shard of this.#shards) {
        for (const table of tables) {
          const partitions = await select(
            shard,
            `SELECT DISTINCT partition FROM system.parts
             WHERE database = ${sqlValue(this.#database)} AND table = ${sqlValue(`${table}_local`)} AND active`,
          );
          for (const { partition } of partitions) {
            const partitionHour = Number(partition);
            if (!Number.isSafeInteger(partitionHour) || partitionHour >= before) continue;
            await command(
              shard,
              `ALTER TABLE ${localTable(this.#database, table)} DROP PARTITION ${sqlValue(partitionHour)}`,
            );
          }
        }
      }
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
