import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_CONFIG } from "../config/schema.ts";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";
import { ArticleIndex } from "./article-index.ts";
import {
  articleIndexBuilt,
  articleIndexCurrent,
  rebuildArticleIndex,
  syncChangedMonths,
} from "./duckdb-article-index.ts";
import * as dumps from "./duckdb-dumps.ts";
import * as reads from "./duckdb-reads.ts";
import {
  HOUR_TABLES,
  prepareSchema,
  SHARDED_TABLES,
  STAGING_TABLES,
  STORAGE_VERSION,
} from "./duckdb-schema.ts";
import {
  refreshDay,
  refreshMonth,
  sortDay,
  sortMonth,
  unsortedDays,
  unsortedMonths,
} from "./duckdb-serving.ts";
import { stage } from "./duckdb-staging.ts";
import { inTransaction } from "./duckdb-transaction.ts";
import { checkShard, completedHour, WHOLE_HOUR } from "./hour-parts.ts";
import { dayKey, hourKey, hourTimestamp } from "./serving-keys.ts";
import type {
  AutomatedActor,
  Availability,
  CountryArticle,
  CountryViews,
  DumpSlice,
  DumpStore,
  DumpViewsAt,
  HourDumpViews,
  HourPart,
  HourState,
  ImportedDump,
  LegacyPagecountsQuery,
  PagecountsRow,
  PageviewHourlyRow,
  PerArticleQuery,
  ProcessedHour,
  SeriesQuery,
  ShardSpec,
  TopArticle,
  TopByCountryQuery,
  TopPerCountryQuery,
  TopQuery,
  TopRangeQuery,
  ViewsAt,
} from "./store.ts";

/** DuckDB lets one process open a database file; a second one gets this. */
export class StoreLockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number | undefined,
    options: ErrorOptions,
  ) {
    super(
      `Another pageviews process${pid === undefined ? "" : ` (pid ${pid})`} is using the store ${path}: ` +
        "only one process at a time can open it. Stop that process, or wait for it to finish.",
      options,
    );
  }
}

export class StoreReadOnlyError extends Error {}

const LOCK_CONFLICT = /Could not set lock on file/;
const LOCK_HOLDER = /\(PID (\d+)\)/;
/** Concurrent API reads; each holds a connection while its query runs. */
const MAX_READERS = 4;

/**
 * The embedded store: one DuckDB file. A single process opens it (DuckDB locks the file); inside it,
 * writes are serialised on one connection, each in one transaction, while reads run on a small pool of
 * other connections and see only committed data (MVCC), so a reader never sees half an hour.
 */
export class DuckDbStore implements DumpStore {
  readonly #instance: DuckDBInstance;
  readonly #writer: DuckDBConnection | null;
  readonly #readers: ReaderPool;
  readonly #articleIndex: OpenedArticleIndex | null;
  /** Whether the index holds every committed change: per-article reads use it only then. */
  #articleIndexCurrent = false;
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(
    instance: DuckDBInstance,
    writer: DuckDBConnection | null,
    articleIndex: OpenedArticleIndex | null,
  ) {
    this.#instance = instance;
    this.#writer = writer;
    this.#readers = new ReaderPool(instance, MAX_READERS);
    this.#articleIndex = articleIndex;
  }

  /**
   * Opens (creating if needed, unless read-only) the store at `path`; `":memory:"` for tests. DuckDB
   * may use `memoryMiB` (default: the configuration's `store.memoryMiB`).
   */
  static async open(
    path: string,
    options: { readOnly?: boolean; memoryMiB?: number } = {},
  ): Promise<DuckDbStore> {
    const readOnly = options.readOnly ?? false;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        access_mode: readOnly ? "READ_ONLY" : "READ_WRITE",
        storage_compatibility_version: STORAGE_VERSION,
        // DuckDB would otherwise cache up to 80 % of the machine's memory; the pipeline needs its share.
        memory_limit: `${options.memoryMiB ?? DEFAULT_CONFIG.store.memoryMiB}MiB`,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (!LOCK_CONFLICT.test(message)) throw error;
      const holder = LOCK_HOLDER.exec(message)?.[1];
      throw new StoreLockedError(path, holder === undefined ? undefined : Number(holder), { cause: error });
    }
    let connection: DuckDBConnection | undefined;
    let articleIndex: OpenedArticleIndex | null = null;
    try {
      connection = await instance.connect();
      await prepareSchema(connection, path, readOnly);
      articleIndex = openArticleIndex(path, readOnly);
      if (readOnly) {
        const current = articleIndex !== null && (await articleIndexCurrent(connection, articleIndex.index));
        connection.closeSync();
        const store = new DuckDbStore(instance, null, articleIndex);
        store.#articleIndexCurrent = current;
        return store;
      }
      for (const ddl of STAGING_TABLES) await connection.run(ddl);
      const store = new DuckDbStore(instance, connection, articleIndex);
      // Finishes a sync that a crash interrupted, or builds the index of a store that has none.
      await store.#write((writer) => store.#syncArticleIndex(writer));
      return store;
    } catch (error) {
      connection?.closeSync();
      await articleIndex?.close();
      instance.closeSync();
      throw error;
    }
  }

  async replaceHour(processed: ProcessedHour): Promise<void> {
    const hour = hourKey(processed.hour);
    const state = hourState(processed);
    await this.#write(async (connection) => {
      await stageHour(connection, processed);
      await inTransaction(connection, async () => {
        for (const table of HOUR_TABLES)
          await connection.run(`DELETE FROM ${table} WHERE hour = $hour`, { hour });
        // Sorted by (project, article): titles compress far better, and zonemaps serve hourly article reads.
        await connection.run(
          `INSERT INTO pageview_hourly
             SELECT $hour, project, language_variant, article, page_id, namespace_id, access_method, agent_type,
               referer_class, continent, country_code, views, $definitionVersion
             FROM pageview_staging
             ORDER BY ${PAGEVIEW_ORDER}`,
          { hour, definitionVersion: state.definitionVersion },
        );
        await insertActorRows(connection, hour, WHOLE_HOUR);
        await insertHourState(connection, hour, state);
      });
    });
  }

  /**
   * One transaction: the share replaces its shard's earlier one and every share of another count,
   * and when it is the last one missing, the shares' sums replace the hour.
   */
  async replaceHourPart(part: HourPart): Promise<boolean> {
    const { shard, processed } = part;
    checkShard(shard);
    const hour = hourKey(processed.hour);
    const state = hourState(processed);
    const params = { hour, index: shard.index, count: shard.count };
    return this.#write(async (connection) => {
      await stageHour(connection, processed);
      let completed: HourState | null = null;
      await inTransaction(connection, async () => {
        for (const table of SHARDED_TABLES) {
          await connection.run(
            `DELETE FROM ${table} WHERE hour = $hour AND (shard_count <> $count OR shard_index = $index)`,
            params,
          );
        }
        await connection.run(
          `INSERT INTO pageview_hourly_parts
             SELECT $hour, $index, $count, project, language_variant, article, page_id, namespace_id,
               access_method, agent_type, referer_class, continent, country_code, views
             FROM pageview_staging`,
          params,
        );
        await insertActorRows(connection, hour, shard);
        await insertHourState(connection, hour, state, shard);
        const parts = await connection.runAndReadAll(
          `SELECT ${STATE_COLUMNS}, shard_index FROM hour_parts WHERE hour = $hour AND shard_count = $count`,
          { hour, count: shard.count },
        );
        completed = completedHour(
          parts.getRows().map((row) => ({ ...toHourState(row), shardIndex: Number(row[8]) })),
          shard.count,
        );
        if (completed === null) return;
        await connection.run("DELETE FROM pageview_hourly WHERE hour = $hour", { hour });
        await connection.run("DELETE FROM hours WHERE hour = $hour", { hour });
        await connection.run(
          `INSERT INTO pageview_hourly
             SELECT hour, ${PAGEVIEW_KEY}, sum(views), $definitionVersion
             FROM pageview_hourly_parts WHERE hour = $hour AND shard_count = $count
             GROUP BY hour, ${PAGEVIEW_KEY}
             ORDER BY ${PAGEVIEW_ORDER}`,
          { hour, count: shard.count, definitionVersion: completed.definitionVersion },
        );
        await insertHourState(connection, hour, completed);
      });
      return completed !== null;
    });
  }

  async hourPartStates(shard: ShardSpec): Promise<Map<string, HourState>> {
    checkShard(shard);
    return this.#readers.use(async (connection) => {
      const result = await connection.runAndReadAll(
        `SELECT ${STATE_COLUMNS} FROM hour_parts WHERE shard_index = $index AND shard_count = $count
         ORDER BY hour`,
        { index: shard.index, count: shard.count },
      );
      return new Map(result.getRows().map((row) => [hourTimestamp(row[0] as number), toHourState(row)]));
    });
  }

  async refreshServing(days: readonly string[], options: { compact?: boolean } = {}): Promise<void> {
    const dayKeys = [...new Set(days.map(dayKey))].sort((a, b) => a - b);
    if (dayKeys.length === 0) return;
    const months = [...new Set(dayKeys.map((day) => Math.floor(day / 100)))];
    await this.#write(async (connection) => {
      await inTransaction(connection, async () => {
        for (const day of dayKeys) await refreshDay(connection, day);
        for (const month of months) await refreshMonth(connection, month);
      });
      if (!options.compact) {
        await this.#syncArticleIndex(connection);
        return;
      }
      // The days' sorts keep DuckDB's threads busy, on a connection of their own, while this one
      // writes the per-article index from JavaScript; they touch different tables. (The bench's day:
      // 1.7 s of sorting and 2.1 s of index, one after the other before.)
      const sorted = this.#sortDaysApart(dayKeys);
      const indexed = this.#syncArticleIndex(connection);
      // Both end before this write does; then the first failure, if any, is thrown.
      await Promise.allSettled([sorted, indexed]);
      await Promise.all([sorted, indexed]);
      await this.#compactOn(connection);
    });
  }

  async #sortDaysApart(days: readonly number[]): Promise<void> {
    const connection = await this.#instance.connect();
    try {
      for (const day of days) await inTransaction(connection, () => sortDay(connection, day));
    } finally {
      connection.closeSync();
    }
  }

  /**
   * Brings the index up to date: the months a refresh changed, or all of it when it was not built from
   * this store. While the changed months are written, reads go on using it (each article is written in
   * one transaction, so an answer is all old or all new); during a rebuild, or after a failed sync,
   * they read per_article_daily, which is always right.
   */
  async #syncArticleIndex(connection: DuckDBConnection): Promise<void> {
    if (this.#articleIndex === null) return;
    const { index } = this.#articleIndex;
    try {
      if (await articleIndexBuilt(connection, index)) await syncChangedMonths(connection, index);
      else {
        this.#articleIndexCurrent = false;
        await rebuildArticleIndex(connection, index);
      }
      this.#articleIndexCurrent = true;
    } catch (error) {
      this.#articleIndexCurrent = false;
      throw error;
    }
  }

  /**
   * Sorts each month of per_article_daily that has received day slices since it was last sorted,
   * the month still being filled included: a read of one article then touches one run per month
   * rather than one slice per day (measured: 4 ms instead of 108 ms for a year of one article among
   * 12.6 M rows, most of them in the current month). Each month is its own transaction; one of 39 M
   * rows took 34 s on two cores, so once a day is the right rhythm.
   */
  async compact(): Promise<void> {
    await this.#write((connection) => this.#compactOn(connection));
  }

  async #compactOn(connection: DuckDBConnection): Promise<void> {
    for (const month of await unsortedMonths(connection)) {
      await inTransaction(connection, () => sortMonth(connection, month));
    }
    for (const day of await unsortedDays(connection)) {
      await inTransaction(connection, () => sortDay(connection, day));
    }
  }

  async actorMetrics(
    fromHour: string,
    toHour: string,
    actorSignatures?: readonly string[],
  ): Promise<ActorHourlyMetrics[]> {
    const params = { from: hourKey(fromHour), to: hourKey(toHour) };
    if (actorSignatures?.length === 0) return [];
    return this.#readers.use(async (connection) => {
      let onlyWanted = "";
      if (actorSignatures !== undefined) {
        await connection.run("CREATE TEMP TABLE IF NOT EXISTS wanted_signatures (actor_signature VARCHAR)");
        await stage(connection, "wanted_signatures", actorSignatures, (appender, signature) =>
          appender.appendVarchar(signature),
        );
        onlyWanted = "AND actor_signature IN (SELECT actor_signature FROM wanted_signatures)";
      }
      const result = await connection.runAndReadAll(
        `SELECT hour, actor_signature, is_pageview, is_redirect_to_pageview, ip_key, pageview_count, first_ts,
           last_ts, pageview_rate_per_min, nocookies, user_agent_length, distinct_pages_visited,
           max_diff_ip_group_size, diff_ip_group_count
         FROM actor_metrics_hourly WHERE hour BETWEEN $from AND $to ${onlyWanted}
         ORDER BY hour`,
        params,
      );
      return result.getRows().map((row) => ({
        hour: hourTimestamp(row[0] as number),
        actorSignature: row[1] as string,
        isPageview: row[2] as boolean,
        isRedirectToPageview: row[3] as boolean,
        ipKey: row[4] as string,
        pageviewCount: row[5] as number,
        firstTs: Number(row[6]),
        lastTs: Number(row[7]),
        pageviewRatePerMin: row[8] as number | null,
        nocookies: Number(row[9]),
        userAgentLength: row[10] as number,
        distinctPagesVisited: row[11] as number,
        maxDiffIpGroupSize: row[12] as number,
        diffIpGroupCount: row[13] as number,
      }));
    });
  }

  hourStates(): Promise<Map<string, HourState>> {
    return this.#readers.use(async (connection) => {
      const result = await connection.runAndReadAll(`SELECT ${STATE_COLUMNS} FROM hours ORDER BY hour`);
      return new Map(result.getRows().map((row) => [hourTimestamp(row[0] as number), toHourState(row)]));
    });
  }

  async deleteActorDataBefore(hour: string): Promise<number> {
    const before = hourKey(hour);
    return this.#write(async (connection) => {
      let deleted = 0;
      await inTransaction(connection, async () => {
        // Shares are kept only to re-sum an hour when one is re-processed from the raw data.
        for (const table of SHARDED_TABLES) {
          const result = await connection.run(`DELETE FROM ${table} WHERE hour < $before`, { before });
          deleted += result.rowsChanged;
        }
      });
      return deleted;
    });
  }

  async perArticle(query: PerArticleQuery): Promise<ViewsAt[]> {
    const indexed = this.#articleIndexCurrent ? this.#articleIndex?.index.read(query) : null;
    return indexed ?? this.#readers.use((connection) => reads.perArticle(connection, query));
  }

  aggregate(query: SeriesQuery): Promise<ViewsAt[]> {
    return this.#readers.use((connection) => reads.aggregate(connection, query));
  }

  top(query: TopQuery): Promise<TopArticle[]> {
    return this.#readers.use((connection) => reads.top(connection, query));
  }

  topByCountry(query: TopByCountryQuery): Promise<CountryViews[]> {
    return this.#readers.use((connection) => reads.topByCountry(connection, query));
  }

  topPerCountry(query: TopPerCountryQuery): Promise<CountryArticle[]> {
    return this.#readers.use((connection) => reads.topPerCountry(connection, query));
  }

  topOfRange(query: TopRangeQuery): Promise<TopArticle[]> {
    return this.#readers.use((connection) => reads.topOfRange(connection, query));
  }

  availability(): Promise<Availability> {
    return this.#readers.use((connection) => reads.availability(connection));
  }

  dumpViews(
    fromHour: string,
    toHour: string,
    by: "hour" | "day",
    onBatch: (rows: DumpViewsAt[]) => Promise<void>,
  ): Promise<void> {
    return this.#readers.use((connection) => dumps.dumpViews(connection, fromHour, toHour, by, onBatch));
  }

  exportParquet(path: string, fromHour: string, toHour: string): Promise<void> {
    return this.#readers.use((connection) => dumps.exportParquet(connection, path, fromHour, toHour));
  }

  importedDumps(): Promise<Map<string, string>> {
    return this.#write((connection) => dumps.importedDumps(connection));
  }

  async replaceDumpSlice(slice: DumpSlice, batches: AsyncIterable<HourDumpViews>): Promise<string[]> {
    return this.#write(async (connection) => {
      // Staged outside the transaction, as replaceHour does: the file is read while rows are appended.
      await dumps.stageDumpViews(connection, slice, batches);
      let written: string[] = [];
      await inTransaction(connection, async () => {
        written = await dumps.replaceDumpSlice(connection, slice);
      });
      return written;
    });
  }

  async replacePagecounts(file: ImportedDump, hour: string, rows: readonly PagecountsRow[]): Promise<void> {
    await this.#write(async (connection) => {
      await dumps.stagePagecounts(connection, rows);
      await inTransaction(connection, () => dumps.replacePagecounts(connection, file, hour));
    });
  }

  legacyPagecounts(query: LegacyPagecountsQuery): Promise<ViewsAt[]> {
    return this.#readers.use((connection) => dumps.legacyPagecounts(connection, query));
  }

  /** Waits for pending writes and reads, then closes the file (DuckDB checkpoints it on close). */
  async close(): Promise<void> {
    await this.#writes;
    await this.#readers.close();
    this.#writer?.closeSync();
    this.#instance.closeSync();
    await this.#articleIndex?.close();
  }

  /** Runs writes one at a time, in call order, on the writer connection. */
  #write<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const writer = this.#writer;
    if (writer === null) return Promise.reject(new StoreReadOnlyError("The store was opened read-only."));
    const run = this.#writes.then(() => task(writer));
    this.#writes = run.catch(() => undefined);
    return run;
  }
}

interface OpenedArticleIndex {
  index: ArticleIndex;
  close(): Promise<void>;
}

/**
 * The per-article index beside the store file (`<file>.articles`); an in-memory store gets one in a
 * temporary directory, removed on close. A read-only store without one reads per_article_daily.
 */
function openArticleIndex(storePath: string, readOnly: boolean): OpenedArticleIndex | null {
  if (storePath === ":memory:") {
    const directory = mkdtempSync(join(tmpdir(), "pageviews-articles-"));
    const index = ArticleIndex.open(join(directory, "articles"));
    return {
      index,
      close: async () => {
        await index.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const path = `${storePath}.articles`;
  if (readOnly && !existsSync(path)) return null;
  const index = ArticleIndex.open(path, { readOnly });
  return { index, close: () => index.close() };
}

/** pageview_hourly's key: every column but views and the definition version. */
const PAGEVIEW_KEY = `project, language_variant, article, page_id, namespace_id, access_method, agent_type,
  referer_class, continent, country_code`;
/** How each hour of pageview_hourly is inserted, so that it is stored sorted. */
const PAGEVIEW_ORDER = "project, article, access_method, agent_type, country_code, referer_class";
/** The columns of `hours` (and of `hour_parts` after its shard columns), read by {@link toHourState}. */
const STATE_COLUMNS = `hour, definition_version, raw_fingerprint, raw_lines, distinct_lines, malformed_lines,
  epoch_ms(processed_at), pageviews`;

function toHourState(row: readonly unknown[]): HourState {
  return {
    hour: hourTimestamp(row[0] as number),
    definitionVersion: row[1] as string,
    rawFingerprint: row[2] as string,
    rawLines: Number(row[3]),
    distinctLines: Number(row[4]),
    malformedLines: Number(row[5]),
    processedAt: new Date(Number(row[6])),
    pageviews: Number(row[7]),
  };
}

/** The `hours` row of a whole hour (or `hour_parts` row of a share). */
function hourState(processed: ProcessedHour): HourState {
  let pageviews = 0;
  for (const row of processed.pageviews) pageviews += row.views;
  return { hour: processed.hour, ...processed.report, pageviews };
}

/**
 * Lands an hour's rows in the temporary tables, so that the transaction that moves them holds only
 * set-based statements.
 */
async function stageHour(connection: DuckDBConnection, processed: ProcessedHour): Promise<void> {
  await stage(connection, "pageview_staging", processed.pageviews, appendPageview);
  await stage(connection, "actor_metrics_staging", processed.actorMetrics, appendActorMetrics);
  await stage(connection, "actor_labels_staging", processed.automatedActors, appendLabel);
}

/** Moves the staged actor metrics and labels into the hour, as the shard's. */
async function insertActorRows(connection: DuckDBConnection, hour: number, shard: ShardSpec): Promise<void> {
  const params = { hour, index: shard.index, count: shard.count };
  for (const [table, staging] of [
    ["actor_metrics_hourly", "actor_metrics_staging"],
    ["actor_labels_hourly", "actor_labels_staging"],
  ]) {
    await connection.run(
      `INSERT INTO ${table} BY NAME
         SELECT $hour AS hour, *, $index AS shard_index, $count AS shard_count FROM ${staging}`,
      params,
    );
  }
}

/** Writes the hour's row of `hours`, or with a shard, the shard's row of `hour_parts`. */
async function insertHourState(
  connection: DuckDBConnection,
  hour: number,
  state: HourState,
  shard?: ShardSpec,
): Promise<void> {
  const [table, shardValues] = shard === undefined ? ["hours", ""] : ["hour_parts", "$index, $count,"];
  await connection.run(
    `INSERT INTO ${table} VALUES ($hour, ${shardValues} $definitionVersion, $rawFingerprint, $rawLines,
       $distinctLines, $malformedLines, epoch_ms($processedAt::BIGINT), $pageviews)`,
    {
      hour,
      ...(shard === undefined ? {} : { index: shard.index, count: shard.count }),
      definitionVersion: state.definitionVersion,
      rawFingerprint: state.rawFingerprint,
      rawLines: state.rawLines,
      distinctLines: state.distinctLines,
      malformedLines: state.malformedLines,
      processedAt: state.processedAt.getTime(),
      pageviews: state.pageviews,
    },
  );
}

function appendPageview(appender: DuckDBAppender, row: PageviewHourlyRow): void {
  appender.appendVarchar(row.project);
  appender.appendVarchar(row.language_variant);
  appender.appendVarchar(row.article);
  if (row.page_id === null) appender.appendNull();
  else appender.appendBigInt(BigInt(row.page_id));
  if (row.namespace_id === null) appender.appendNull();
  else appender.appendInteger(row.namespace_id);
  appender.appendVarchar(row.access_method);
  appender.appendVarchar(row.agent_type);
  appender.appendVarchar(row.referer_class);
  appender.appendVarchar(row.continent);
  appender.appendVarchar(row.country_code);
  appender.appendInteger(row.views);
}

function appendActorMetrics(appender: DuckDBAppender, row: ActorHourlyMetrics): void {
  appender.appendVarchar(row.actorSignature);
  appender.appendBoolean(row.isPageview);
  appender.appendBoolean(row.isRedirectToPageview);
  appender.appendVarchar(row.ipKey);
  appender.appendInteger(row.pageviewCount);
  appender.appendBigInt(BigInt(row.firstTs));
  appender.appendBigInt(BigInt(row.lastTs));
  if (row.pageviewRatePerMin === null) appender.appendNull();
  else appender.appendInteger(row.pageviewRatePerMin);
  appender.appendBigInt(BigInt(row.nocookies));
  appender.appendInteger(row.userAgentLength);
  appender.appendInteger(row.distinctPagesVisited);
  appender.appendInteger(row.maxDiffIpGroupSize);
  appender.appendInteger(row.diffIpGroupCount);
}

function appendLabel(appender: DuckDBAppender, actor: AutomatedActor): void {
  appender.appendVarchar(actor.actorSignature);
  appendOptionalText(appender, actor.reasons.pageview);
  appendOptionalText(appender, actor.reasons.redirect_to_pageview);
}

function appendOptionalText(appender: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}

/** Connections for reads, opened on demand up to `max`; a read waits for one when all are busy. */
class ReaderPool {
  readonly #idle: DuckDBConnection[] = [];
  readonly #waiting: ((connection: DuckDBConnection) => void)[] = [];
  #opened = 0;
  #busy = 0;
  #closed = false;
  #drained: (() => void) | null = null;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly max: number,
  ) {}

  async use<T>(read: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("The store is closed.");
    this.#busy++;
    let connection: DuckDBConnection | undefined;
    try {
      connection = await this.#acquire();
      return await read(connection);
    } finally {
      if (connection !== undefined) this.#release(connection);
      if (--this.#busy === 0) this.#drained?.();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#busy > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    for (const connection of this.#idle.splice(0)) {
      reads.releasePrepared(connection);
      connection.closeSync();
    }
  }

  async #acquire(): Promise<DuckDBConnection> {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    if (this.#opened < this.max) {
      this.#opened++;
      return this.instance.connect().catch((error: unknown) => {
        this.#opened--;
        throw error;
      });
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(connection: DuckDBConnection): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#idle.push(connection);
    else next(connection);
  }
}
