import type { AutomatedReasons } from "../definition/actor-label.ts";
import type { AccessMethod, AgentType } from "../definition/types.ts";
import type { ActorHourlyMetrics } from "../pipeline/actor-metrics.ts";

/**
 * One row of `pageview_hourly`: views of one page in one hour, per access method, agent type,
 * referer class and country. Nothing else is kept: no city, no user-agent map, no IP-derived field
 * beyond the country.
 */
export interface PageviewHourlyRow {
  project: string;
  language_variant: string;
  article: string;
  page_id: number | null;
  namespace_id: number | null;
  access_method: AccessMethod;
  agent_type: AgentType;
  referer_class: string;
  continent: string;
  country_code: string;
  views: number;
}

/** An actor labelled `automated` for an hour, with Wikimedia's `automated_reasons`. */
export interface AutomatedActor {
  actorSignature: string;
  reasons: AutomatedReasons;
}

/** What processing an hour found, kept beside the hour's data. */
export interface HourReport {
  /** Definition version the hour was computed with (see src/definition/index.ts). */
  definitionVersion: string;
  /** Identifies the raw segments the hour was computed from, so a changed hour is noticed. */
  rawFingerprint: string;
  rawLines: number;
  /** Lines left after dropping exact duplicates (Wikimedia's DISTINCT over raw rows). */
  distinctLines: number;
  malformedLines: number;
  processedAt: Date;
}

/** Everything derived from one UTC hour of raw requests. */
export interface ProcessedHour {
  /** `YYYYMMDDHH`, UTC. */
  hour: string;
  pageviews: readonly PageviewHourlyRow[];
  actorMetrics: readonly ActorHourlyMetrics[];
  automatedActors: readonly AutomatedActor[];
  report: HourReport;
}

/**
 * One of `count` workers, each of which processes the requests of its own actors (see
 * src/pipeline/shard.ts); `index` is in [0, count).
 */
export interface ShardSpec {
  index: number;
  count: number;
}

/** One shard's share of an hour: its actors' pageviews, metrics and labels, and its report. */
export interface HourPart {
  shard: ShardSpec;
  processed: ProcessedHour;
}

export interface HourState extends HourReport {
  hour: string;
  /** Total views of the hour's pageview_hourly rows. */
  pageviews: number;
}

/** Access and agent as the Pageview API names them; `all-*` sums the others. */
export type ApiAccess = "all-access" | "desktop" | "mobile-app" | "mobile-web";
export type ApiAgent = "all-agents" | "user" | "spider" | "automated";
export type Granularity = "hourly" | "daily" | "monthly";

/** The project key under which aggregates and top-by-country sum every project. */
export const ALL_PROJECTS = "all-projects";

/**
 * A time series read. `from` and `to` are `YYYYMMDDHH` (UTC, inclusive) and select the buckets whose
 * Pageview API timestamp lies between them: hours `YYYYMMDDHH`, days `YYYYMMDD00`, months `YYYYMM0100`.
 */
export interface SeriesQuery {
  project: string;
  access: ApiAccess;
  agent: ApiAgent;
  granularity: Granularity;
  from: string;
  to: string;
}

/**
 * One article's views. A bucket is present when the article had views of any access or agent in it,
 * so it can be 0 for the access and agent asked for (as in the Pageview API). Monthly buckets sum the
 * days in range; the API decides which months are whole.
 */
export interface PerArticleQuery extends SeriesQuery {
  article: string;
}

/** One bucket of a series; `timestamp` is the Pageview API's (`YYYYMMDDHH`, `YYYYMMDD00`, `YYYYMM0100`). */
export interface ViewsAt {
  timestamp: string;
  views: number;
}

/** The top articles of a day (`YYYYMMDD`) or of a month (`YYYYMM`, the API's `all-days`). */
export type TopQuery = { project: string; access: ApiAccess } & ({ day: string } | { month: string });

/**
 * The top articles of any range of days (`YYYYMMDD`, inclusive) for any agent, ranked when read: the
 * stored top lists cover single days and months of `user` views only.
 */
export interface TopRangeQuery {
  project: string;
  access: ApiAccess;
  agent: ApiAgent;
  fromDay: string;
  toDay: string;
}

/** A ranked entry: `rank` is SQL `rank()`, so ties share a rank and a gap follows them. */
export interface TopArticle {
  article: string;
  views: number;
  rank: number;
}

export interface TopByCountryQuery {
  project: string;
  access: ApiAccess;
  /** `YYYYMM`. */
  month: string;
}

/** A country's `user` views of a month, rounded up to a multiple of 1000 (`views_ceil`). */
export interface CountryViews {
  country: string;
  viewsCeil: number;
  rank: number;
}

export interface TopPerCountryQuery {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  access: ApiAccess;
  /** `YYYYMMDD`. */
  day: string;
}

/**
 * An article among a country's top 1000 of a day by `user` views, exact: the API rounds them and
 * applies its privacy threshold (a threshold on views keeps the top 1000 of what passes it).
 */
export interface CountryArticle {
  project: string;
  article: string;
  views: number;
  rank: number;
}

/** What the store holds: hours processed, and each project's first and last hour with views. */
export interface Availability {
  /** The latest processed hour (`YYYYMMDDHH`); every project's views up to it are loaded. */
  lastCompleteHour: string | null;
  projects: ProjectAvailability[];
}

export interface ProjectAvailability {
  /** A project, or {@link ALL_PROJECTS}. */
  project: string;
  firstHour: string;
  lastHour: string;
}

/** A page's views in one time bucket, summed over what the dumps leave out (variant, referer, country). */
export interface DumpViews {
  project: string;
  article: string;
  page_id: number | null;
  access_method: AccessMethod;
  agent_type: AgentType;
  views: number;
}

export interface DumpViewsAt extends DumpViews {
  /** `YYYYMMDDHH`, or `YYYYMMDD` when read by day. */
  time: string;
}

/** An hour's views read from a dump file. */
export interface HourDumpViews {
  hour: string;
  rows: readonly DumpViews[];
}

/** A dump file as recorded when imported: importing the same content again is skipped. */
export interface ImportedDump {
  name: string;
  sha256: string;
}

/** What a dump file replaces: the rows of these agent types in these hours. */
export interface DumpSlice {
  file: ImportedDump;
  fromHour: string;
  toHour: string;
  agentTypes: readonly AgentType[];
  /** Written with the rows and in `hours`, in place of the pipeline's definition version. */
  definitionVersion: string;
  /**
   * Only fill hours that hold no rows of these agent types from another source (another
   * definition version): project totals must not be added to the article views they sum.
   */
  fillOnly?: boolean;
}

export type LegacyAccessSite = "all-sites" | "desktop-site" | "mobile-site";

/** A project's legacy pagecounts of an hour, by site. */
export interface PagecountsRow {
  project: string;
  accessSite: Exclude<LegacyAccessSite, "all-sites">;
  views: number;
}

/** As {@link SeriesQuery}, for the legacy pagecounts (`all-sites` sums both sites). */
export interface LegacyPagecountsQuery {
  project: string;
  accessSite: LegacyAccessSite;
  granularity: Granularity;
  from: string;
  to: string;
}

/**
 * The one storage interface: DuckDB embedded by default; ClickHouse to scale out. SQL lives only
 * behind it. Every write of an hour is atomic: readers see the old hour or the new one, never half.
 */
export interface Store {
  /**
   * Replaces everything derived from the hour (pageviews, actor metrics, labels, report), and drops
   * any shares of it that workers recorded.
   */
  replaceHour(hour: ProcessedHour): Promise<void>;
  /**
   * Records one shard's share of an hour, replacing that shard's earlier share and the shares of
   * other shard counts. Its actor metrics and labels are readable at once (the shard's later hours
   * need them); the hour itself (pageview_hourly and `hours`) changes only once every shard of the
   * count has a share: then the shares' sums replace it, as {@link replaceHour} would, and `true` is
   * returned. Shares stay recorded, so that one shard's share can be replaced later.
   */
  replaceHourPart(part: HourPart): Promise<boolean>;
  /** The shares this shard recorded, by hour (`pageviews` is the share's). */
  hourPartStates(shard: ShardSpec): Promise<Map<string, HourState>>;
  /**
   * Rebuilds the serving tables for these UTC days (`YYYYMMDD`) and the months they fall in; with
   * `compact`, then compacts as {@link compact} does, overlapping the two where the store can.
   */
  refreshServing(days: readonly string[], options?: { compact?: boolean }): Promise<void>;
  /**
   * Hourly actor metrics for hours in [fromHour, toHour], for the 24-hour rollup; only of these
   * signatures when given.
   */
  actorMetrics(
    fromHour: string,
    toHour: string,
    actorSignatures?: readonly string[],
  ): Promise<ActorHourlyMetrics[]>;
  /** Every processed hour, by hour. */
  hourStates(): Promise<Map<string, HourState>>;
  /**
   * Deletes actor metrics and labels, and the shards' shares, of hours before `hour`; returns the
   * number of rows deleted.
   */
  deleteActorDataBefore(hour: string): Promise<number>;
  /**
   * Reorganises stored data for faster reads where the engine does not keep it sorted itself; run it
   * when the store is quiet (once a day is enough). Never changes what reads return.
   */
  compact(): Promise<void>;
  perArticle(query: PerArticleQuery): Promise<ViewsAt[]>;
  /** A project's (or {@link ALL_PROJECTS}') views; a bucket without matching views is absent. */
  aggregate(query: SeriesQuery): Promise<ViewsAt[]>;
  /** `user` views only, `-` excluded; at most 1000, fewer when a tie straddles the 1000th place. */
  top(query: TopQuery): Promise<TopArticle[]>;
  /** As {@link top}, for any days and agent; articles without matching views are left out. */
  topOfRange(query: TopRangeQuery): Promise<TopArticle[]>;
  /** Countries with more than 99 `user` views in the month, by rank; project may be {@link ALL_PROJECTS}. */
  topByCountry(query: TopByCountryQuery): Promise<CountryViews[]>;
  topPerCountry(query: TopPerCountryQuery): Promise<CountryArticle[]>;
  availability(): Promise<Availability>;
  /** Legacy pagecounts, which only an imported dump brings (see {@link DumpStore}). */
  legacyPagecounts(query: LegacyPagecountsQuery): Promise<ViewsAt[]>;
  close(): Promise<void>;
}

/**
 * A store that Wikimedia's dump formats can be exported from and imported into (`pageviews dumps`).
 * The embedded store is one; the ClickHouse store is not yet.
 */
export interface DumpStore extends Store {
  /**
   * pageview_hourly in [fromHour, toHour] summed by page, access method, agent type and hour (or
   * day), in batches ordered by agent type, project, article (UTF-8 byte order), page id, access
   * method and time: what the dump exports read, without holding the range in memory.
   */
  dumpViews(
    fromHour: string,
    toHour: string,
    by: "hour" | "day",
    onBatch: (rows: DumpViewsAt[]) => Promise<void>,
  ): Promise<void>;
  /** Writes pageview_hourly rows in [fromHour, toHour] to a Parquet file (schema in docs/dumps.md). */
  exportParquet(path: string, fromHour: string, toHour: string): Promise<void>;
  /** The dump files imported so far: name → sha256. */
  importedDumps(): Promise<Map<string, string>>;
  /**
   * Replaces a slice of pageview_hourly with a dump file's views (every hour given must lie in the
   * slice), updates `hours`, and records the file, in one transaction. Returns the hours written.
   */
  replaceDumpSlice(slice: DumpSlice, batches: AsyncIterable<HourDumpViews>): Promise<string[]>;
  /** Replaces an hour of legacy pagecounts and records the file, in one transaction. */
  replacePagecounts(file: ImportedDump, hour: string, rows: readonly PagecountsRow[]): Promise<void>;
}
