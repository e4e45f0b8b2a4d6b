import type { DuckDBConnection } from "@duckdb/node-api";
import type { AccessMethod, AgentType } from "../definition/types.ts";
import { addHours } from "../hours.ts";
import { restage } from "./duckdb-staging.ts";
import { dayRange, hourKey, hourRange, hourTimestamp, monthRange } from "./serving-keys.ts";
import {
  ALL_PROJECTS,
  type DumpSlice,
  type DumpViewsAt,
  type HourDumpViews,
  type ImportedDump,
  type LegacyPagecountsQuery,
  type PagecountsRow,
  type ViewsAt,
} from "./store.ts";

/**
 * The SQL of dump exports and imports (src/dumps/). Imported rows carry what dumps do not: no
 * language variant (`-`), namespace or country (`--`, continent `Unknown`), referer class `unknown`.
 */

const AGENT_TYPES: ReadonlySet<string> = new Set<AgentType>(["user", "spider", "automated"]);

/** The SQL list of agent types; they are checked against the three there are, so inlining is safe. */
function agentList(agentTypes: readonly AgentType[]): string {
  for (const agent of agentTypes) {
    if (!AGENT_TYPES.has(agent)) throw new RangeError(`Not an agent type: ${agent}`);
  }
  if (agentTypes.length === 0) throw new RangeError("A dump slice needs at least one agent type.");
  return agentTypes.map((agent) => `'${agent}'`).join(", ");
}

/** Streams pageview_hourly summed for the dumps (see Store.dumpViews); DuckDB orders VARCHARs by bytes. */
export async function dumpViews(
  connection: DuckDBConnection,
  fromHour: string,
  toHour: string,
  by: "hour" | "day",
  onBatch: (rows: DumpViewsAt[]) => Promise<void>,
): Promise<void> {
  const { first, last } = hourRange(fromHour, toHour);
  const time = by === "hour" ? "hour" : "hour // 100";
  const result = await connection.stream(
    `SELECT agent_type, project, article, page_id, access_method, ${time} AS time, CAST(sum(views) AS BIGINT)
     FROM pageview_hourly WHERE hour BETWEEN $first AND $last
     GROUP BY agent_type, project, article, page_id, access_method, time
     ORDER BY agent_type, project, article, page_id NULLS FIRST, access_method, time`,
    { first, last },
  );
  for await (const rows of result.yieldRows()) {
    await onBatch(
      rows.map(([agent, project, article, pageId, access, bucket, views]) => ({
        agent_type: agent as AgentType,
        project: project as string,
        article: article as string,
        page_id: pageId === null ? null : Number(pageId),
        access_method: access as AccessMethod,
        time: String(bucket),
        views: Number(views),
      })),
    );
  }
}

/** The Parquet export's columns: Wikimedia's pageview_hourly names, and its partitions as columns. */
const PARQUET_COLUMNS = `project, language_variant, article AS page_title, access_method, agent_type, referer_class,
  continent, country_code, CAST(views AS BIGINT) AS view_count, page_id, namespace_id, definition_version,
  hour // 1000000 AS year, hour // 10000 % 100 AS month, hour // 100 % 100 AS day, hour % 100 AS hour`;

export async function exportParquet(
  connection: DuckDBConnection,
  path: string,
  fromHour: string,
  toHour: string,
): Promise<void> {
  const { first, last } = hourRange(fromHour, toHour);
  // COPY takes no parameters: the bounds are integers, the path is quoted as an SQL string.
  await connection.run(
    `COPY (
       SELECT ${PARQUET_COLUMNS} FROM pageview_hourly WHERE hour BETWEEN ${first} AND ${last}
       ORDER BY year, month, day, hour, project, page_title
     ) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
  );
}

export async function importedDumps(connection: DuckDBConnection): Promise<Map<string, string>> {
  const result = await connection.runAndReadAll("SELECT name, sha256 FROM imported_dumps");
  return new Map(result.getRows().map(([name, sha256]) => [name as string, sha256 as string]));
}

/** Lands a dump file's views in dump_staging (outside the transaction that moves them). */
export async function stageDumpViews(
  connection: DuckDBConnection,
  slice: DumpSlice,
  batches: AsyncIterable<HourDumpViews>,
): Promise<void> {
  const { first, last } = hourRange(slice.fromHour, slice.toHour);
  await restage(connection, "dump_staging", async (appender) => {
    for await (const batch of batches) {
      const hour = hourKey(batch.hour);
      if (hour < first || hour > last)
        throw new RangeError(`Hour ${batch.hour} is outside the dump's slice.`);
      for (const row of batch.rows) {
        appender.appendInteger(hour);
        appender.appendVarchar(row.project);
        appender.appendVarchar(row.article);
        if (row.page_id === null) appender.appendNull();
        else appender.appendBigInt(BigInt(row.page_id));
        appender.appendVarchar(row.access_method);
        appender.appendVarchar(row.agent_type);
        appender.appendInteger(row.views);
        appender.endRow();
      }
    }
  });
  await restage(connection, "dump_hours_staging", async (appender) => {
    for (let hour = slice.fromHour; hour <= slice.toHour; hour = addHours(hour, 1)) {
      appender.appendInteger(hourKey(hour));
      appender.endRow();
    }
  });
}

/**
 * Moves dump_staging into the slice (run inside a transaction): deletes the slice's rows, inserts
 * the staged ones summed and sorted as replaceHour does, rewrites `hours` for the slice's hours,
 * and records the file. Returns the hours written.
 */
export async function replaceDumpSlice(connection: DuckDBConnection, slice: DumpSlice): Promise<string[]> {
  const agents = agentList(slice.agentTypes);
  const version = { version: slice.definitionVersion };
  if (slice.fillOnly === true) {
    await connection.run(
      `DELETE FROM dump_hours_staging WHERE hour IN (
         SELECT hour FROM pageview_hourly
         WHERE hour BETWEEN (SELECT min(hour) FROM dump_hours_staging) AND (SELECT max(hour) FROM dump_hours_staging)
           AND agent_type IN (${agents}) AND definition_version <> $version)`,
      version,
    );
  }
  const inSlice = `hour IN (SELECT hour FROM dump_hours_staging)`;
  await connection.run(`DELETE FROM pageview_hourly WHERE ${inSlice} AND agent_type IN (${agents})`);
  await connection.run(
    `INSERT INTO pageview_hourly
       SELECT hour, project, '-', article, page_id, NULL, access_method, agent_type, 'unknown', 'Unknown', '--',
         CAST(sum(views) AS INTEGER), $version
       FROM dump_staging WHERE ${inSlice}
       GROUP BY hour, project, article, page_id, access_method, agent_type
       ORDER BY hour, project, article, access_method, agent_type`,
    version,
  );
  await connection.run(`DELETE FROM hours WHERE ${inSlice}`);
  // Imported hours have no raw lines: the counts are of the hour's stored rows, the fingerprint names the file.
  await connection.run(
    `INSERT INTO hours
       SELECT h.hour, $version, $file, count(p.views), count(p.views), 0, now(), coalesce(sum(p.views), 0)
       FROM dump_hours_staging h LEFT JOIN pageview_hourly p ON p.hour = h.hour
       GROUP BY h.hour`,
    { ...version, file: slice.file.name },
  );
  await recordImport(connection, slice.file);
  const written = await connection.runAndReadAll("SELECT hour FROM dump_hours_staging ORDER BY hour");
  return written.getRows().map(([hour]) => hourTimestamp(hour as number));
}

export async function stagePagecounts(
  connection: DuckDBConnection,
  rows: readonly PagecountsRow[],
): Promise<void> {
  await restage(connection, "pagecounts_staging", async (appender) => {
    for (const row of rows) {
      appender.appendVarchar(row.project);
      appender.appendVarchar(row.accessSite);
      appender.appendBigInt(BigInt(row.views));
      appender.endRow();
    }
  });
}

/** Replaces an hour of pagecounts with pagecounts_staging (inside a transaction), and records the file. */
export async function replacePagecounts(
  connection: DuckDBConnection,
  file: ImportedDump,
  hour: string,
): Promise<void> {
  const key = hourKey(hour);
  await connection.run("DELETE FROM pagecounts_hourly WHERE hour = $hour", { hour: key });
  await connection.run(
    `INSERT INTO pagecounts_hourly
       SELECT $hour, project, access_site, sum(views) FROM pagecounts_staging
       GROUP BY project, access_site ORDER BY project, access_site`,
    { hour: key },
  );
  await recordImport(connection, file);
}

async function recordImport(connection: DuckDBConnection, file: ImportedDump): Promise<void> {
  await connection.run("INSERT OR REPLACE INTO imported_dumps VALUES ($name, $sha256, now())", {
    name: file.name,
    sha256: file.sha256,
  });
}

/** Hour bounds of the buckets asked for, and the expression of a row's bucket and its timestamp. */
const LEGACY_BUCKETS = {
  hourly: { range: hourRange, bucket: "hour", toHours: 1, timestamp: hourTimestamp },
  daily: { range: dayRange, bucket: "hour // 100", toHours: 100, timestamp: (day: number) => `${day}00` },
  monthly: {
    range: monthRange,
    bucket: "hour // 10000",
    toHours: 10_000,
    timestamp: (month: number) => `${month}0100`,
  },
} as const;

/** A project's (or all projects') legacy pagecounts by bucket; buckets without counts are absent. */
export async function legacyPagecounts(
  connection: DuckDBConnection,
  query: LegacyPagecountsQuery,
): Promise<ViewsAt[]> {
  const buckets = LEGACY_BUCKETS[query.granularity];
  if (buckets === undefined) throw new RangeError(`Not a granularity: ${query.granularity}`);
  const { first, last } = buckets.range(query.from, query.to);
  if (first > last) return [];
  // A store last opened for writing by an older pageviews has no pagecounts table, hence no counts.
  const exists = await connection.runAndReadAll(
    "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'pagecounts_hourly'",
  );
  if (exists.getRows()[0]?.[0] === 0n) return [];
  const result = await connection.runAndReadAll(
    `SELECT ${buckets.bucket} AS bucket, sum(views) FROM pagecounts_hourly
     WHERE hour BETWEEN $firstHour AND $lastHour
       AND ($project = '${ALL_PROJECTS}' OR project = $project)
       AND ($site = 'all-sites' OR access_site = $site)
     GROUP BY bucket ORDER BY bucket`,
    {
      firstHour: first * buckets.toHours,
      lastHour: (last + 1) * buckets.toHours - 1,
      project: query.project,
      site: query.accessSite,
    },
  );
  return result.getRows().map(([bucket, views]) => ({
    timestamp: buckets.timestamp(Number(bucket)),
    views: Number(views),
  }));
}
