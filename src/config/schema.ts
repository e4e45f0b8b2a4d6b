import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from "../pipeline/purge.ts";
import type { InputFormat } from "../sources/detect.ts";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type IngestFormat = InputFormat | "auto";
export const INGEST_FORMATS = [
  "auto",
  "webrequest",
  "combined",
  "vhost_combined",
] as const satisfies readonly IngestFormat[];

export interface ServerConfig {
  host: string;
  port: number;
  /** Requests per second per client; 0: no limit. */
  rateLimit: number;
  responseCacheMiB: number;
  topPerCountryThreshold: number;
  trustProxy: boolean;
  logClientIp: boolean;
  logLevel: LogLevel;
}

export interface IngestConfig {
  /** A directory whose new and growing log files are ingested, or null. */
  watch: string | null;
  /** Names of the watched directory's files to ingest: `*` stands for any characters, `?` for one. */
  watchInclude: readonly string[];
  /** Names of files not to ingest, even if included. */
  watchExclude: readonly string[];
  stdin: boolean;
  /** The bearer token POST /ingest requires; null leaves that route off. */
  token: string | null;
  maxBodyMiB: number;
  format: IngestFormat;
  /** The site host of combined logs that carry no virtual host. */
  host: string | null;
  /** A MaxMind-format database instead of the bundled one. */
  geoDb: string | null;
  /** How long past its end an hour waits for late lines before it is processed. */
  graceMinutes: number;
}

export interface RetentionConfig {
  days: number;
  /** The UTC time of day (HH:MM) of the daily purge. */
  purgeAt: string;
}

export interface ReadinessConfig {
  /** The server is not ready when the last processed hour is older than this. */
  maxLagMinutes: number;
}

export const STORE_KINDS = ["duckdb", "clickhouse"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface StoreConfig {
  /** DuckDB embedded in the data directory, or a ClickHouse cluster. */
  kind: StoreKind;
  /** ClickHouse: the HTTP URL of the server that takes reads and inserts (any server of the cluster). */
  url: string | null;
  /** ClickHouse: the database of the store's tables. */
  database: string;
  /** ClickHouse: the cluster, as named in the servers' `remote_servers`. */
  cluster: string | null;
  /** ClickHouse: the HTTP URL of one server of each shard. */
  shards: readonly string[];
  /** DuckDB: memory for its caches and its sorts, joins and aggregates, which spill to disk beyond it. */
  memoryMiB: number;
}

export const KAFKA_SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** The Kafka source: webrequest JSON messages (varnishkafka's) consumed as a consumer group. */
export interface KafkaConfig {
  /** Bootstrap brokers, `host:port`; none leaves the Kafka source off. */
  brokers: readonly string[];
  topic: string;
  /** The consumer group, whose committed offsets say what was landed. */
  groupId: string;
  clientId: string;
  /** Where a group without committed offsets starts: the oldest message kept, or the next one. */
  fromBeginning: boolean;
  ssl: boolean;
  saslMechanism: KafkaSaslMechanism | null;
  saslUsername: string | null;
  saslPassword: string | null;
}

export interface PageviewsConfig {
  dataDir: string;
  server: ServerConfig;
  ingest: IngestConfig;
  kafka: KafkaConfig;
  retention: RetentionConfig;
  readiness: ReadinessConfig;
  store: StoreConfig;
}

export const DEFAULT_CONFIG: PageviewsConfig = {
  dataDir: "./data",
  server: {
    host: "127.0.0.1",
    port: 8080,
    rateLimit: 100,
    responseCacheMiB: 64,
    topPerCountryThreshold: 1000,
    trustProxy: false,
    logClientIp: false,
    logLevel: "info",
  },
  ingest: {
    watch: null,
    watchInclude: ["*"],
    watchExclude: [],
    stdin: false,
    token: null,
    maxBodyMiB: 64,
    format: "auto",
    host: null,
    geoDb: null,
    graceMinutes: 10,
  },
  kafka: {
    brokers: [],
    topic: "webrequest",
    groupId: "pageviews",
    clientId: "pageviews",
    fromBeginning: false,
    ssl: false,
    saslMechanism: null,
    saslUsername: null,
    saslPassword: null,
  },
  retention: { days: DEFAULT_RETENTION_DAYS, purgeAt: "03:15" },
  readiness: { maxLagMinutes: 90 },
  store: { kind: "duckdb", url: null, database: "pageviews", cluster: null, shards: [], memoryMiB: 256 },
};

/** The JSON Schema of one setting (ajv's `nullable` extension allows null besides the type). */
export interface SettingSchema {
  type: "string" | "integer" | "boolean" | "array";
  nullable?: true;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  /** The values allowed; a nullable setting's list holds null too (as ajv's `nullable` requires). */
  enum?: readonly (string | null)[];
  pattern?: string;
  /** The items of a list: file name patterns, HTTP URLs or Kafka brokers. */
  items?: {
    type: "string";
    pattern: typeof FILE_NAME_PATTERN | typeof HTTP_URL_PATTERN | typeof BROKER_PATTERN;
  };
  minItems?: number;
  default: unknown;
}

export interface GroupSchema {
  type: "object";
  additionalProperties: false;
  required: string[];
  properties: Record<string, SettingSchema>;
}

/** Keyed like `T`, so that the schema cannot forget or invent a setting. */
function group<T>(properties: { [K in keyof T]-?: SettingSchema }): GroupSchema {
  return { type: "object", additionalProperties: false, required: Object.keys(properties), properties };
}

const text = (value: string) => ({ type: "string", minLength: 1, default: value }) as const;
const optionalText = (value: string | null) =>
  ({ type: "string", minLength: 1, nullable: true, default: value }) as const;
const integer = (minimum: number, value: number, maximum?: number) =>
  ({ type: "integer", minimum, ...(maximum === undefined ? {} : { maximum }), default: value }) as const;
const boolean = (value: boolean) => ({ type: "boolean", default: value }) as const;

/** HH:MM, 00:00 to 23:59. */
export const TIME_OF_DAY_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

/** A non-empty file name pattern: the watcher matches names, not paths, so no "/". */
export const FILE_NAME_PATTERN = "^[^/]+$";

/** An http:// or https:// URL, without spaces. */
export const HTTP_URL_PATTERN = "^https?://[^\\s/]+(/\\S*)?$";

/** A Kafka broker, `host:port`: no spaces, slashes or commas (lists are comma-separated in the environment). */
export const BROKER_PATTERN = "^[^\\s/,]+:[0-9]{1,5}$";

const fileNamePatterns = (value: readonly string[], minItems = 0) =>
  ({
    type: "array",
    items: { type: "string", pattern: FILE_NAME_PATTERN },
    ...(minItems === 0 ? {} : { minItems }),
    default: value,
  }) as const;

const optionalUrl = (value: string | null) =>
  ({ type: "string", pattern: HTTP_URL_PATTERN, nullable: true, default: value }) as const;
const urls = (value: readonly string[]) =>
  ({ type: "array", items: { type: "string", pattern: HTTP_URL_PATTERN }, default: value }) as const;

const brokers = (value: readonly string[]) =>
  ({ type: "array", items: { type: "string", pattern: BROKER_PATTERN }, default: value }) as const;

const server = DEFAULT_CONFIG.server;
const ingest = DEFAULT_CONFIG.ingest;
const kafka = DEFAULT_CONFIG.kafka;
const store = DEFAULT_CONFIG.store;

/**
 * The JSON Schema of a complete configuration. Every key is required because the loader checks each
 * source laid over the defaults; `additionalProperties: false` is what turns a misspelt key into an error.
 */
export const CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["dataDir", "server", "ingest", "kafka", "retention", "readiness", "store"],
  properties: {
    dataDir: text(DEFAULT_CONFIG.dataDir),
    server: group<ServerConfig>({
      host: text(server.host),
      port: integer(0, server.port, 65_535),
      rateLimit: integer(0, server.rateLimit),
      responseCacheMiB: integer(0, server.responseCacheMiB),
      topPerCountryThreshold: integer(0, server.topPerCountryThreshold),
      trustProxy: boolean(server.trustProxy),
      logClientIp: boolean(server.logClientIp),
      logLevel: { type: "string", enum: LOG_LEVELS, default: server.logLevel },
    }),
    ingest: group<IngestConfig>({
      watch: optionalText(ingest.watch),
      // An empty include list would watch no file: a mistake, since `watch: null` is how to watch none.
      watchInclude: fileNamePatterns(ingest.watchInclude, 1),
      watchExclude: fileNamePatterns(ingest.watchExclude),
      stdin: boolean(ingest.stdin),
      token: optionalText(ingest.token),
      maxBodyMiB: integer(1, ingest.maxBodyMiB),
      format: { type: "string", enum: INGEST_FORMATS, default: ingest.format },
      host: optionalText(ingest.host),
      geoDb: optionalText(ingest.geoDb),
      graceMinutes: integer(0, ingest.graceMinutes, 1440),
    }),
    // That a SASL mechanism comes with its user name and password is checked on the merged configuration.
    kafka: group<KafkaConfig>({
      brokers: brokers(kafka.brokers),
      topic: text(kafka.topic),
      groupId: text(kafka.groupId),
      clientId: text(kafka.clientId),
      fromBeginning: boolean(kafka.fromBeginning),
      ssl: boolean(kafka.ssl),
      saslMechanism: {
        type: "string",
        enum: [...KAFKA_SASL_MECHANISMS, null],
        nullable: true,
        default: kafka.saslMechanism,
      },
      saslUsername: optionalText(kafka.saslUsername),
      saslPassword: optionalText(kafka.saslPassword),
    }),
    retention: group<RetentionConfig>({
      days: integer(1, DEFAULT_CONFIG.retention.days, MAX_RETENTION_DAYS),
      purgeAt: { type: "string", pattern: TIME_OF_DAY_PATTERN, default: DEFAULT_CONFIG.retention.purgeAt },
    }),
    readiness: group<ReadinessConfig>({
      maxLagMinutes: integer(1, DEFAULT_CONFIG.readiness.maxLagMinutes),
    }),
    // Which ClickHouse settings a `clickhouse` store needs is checked on the merged configuration.
    store: group<StoreConfig>({
      kind: { type: "string", enum: STORE_KINDS, default: store.kind },
      url: optionalUrl(store.url),
      database: text(store.database),
      cluster: optionalText(store.cluster),
      shards: urls(store.shards),
      memoryMiB: integer(16, store.memoryMiB),
    }),
  } satisfies { [K in keyof PageviewsConfig]-?: SettingSchema | GroupSchema },
} as const;
