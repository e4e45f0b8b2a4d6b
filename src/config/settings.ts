import { MAX_RETENTION_DAYS } from "../pipeline/purge.ts";
import { CONFIG_SCHEMA, type GroupSchema, type PageviewsConfig, type SettingSchema } from "./schema.ts";

/** The dotted path of every setting: `dataDir`, `server.port`, … */
export type SettingPath = {
  [K in keyof PageviewsConfig & string]: PageviewsConfig[K] extends object
    ? `${K}.${keyof PageviewsConfig[K] & string}`
    : K;
}[keyof PageviewsConfig & string];

export interface Setting {
  path: SettingPath;
  /** The path's keys: `["server", "port"]`. */
  keys: readonly string[];
  /** Its environment variable: `PAGEVIEWS_SERVER_PORT`. */
  env: string;
  /** Its command-line flag (`--port`), or null for a setting only a file or the environment sets. */
  flag: string | null;
  /** The property under which commander hands over the flag's value: `port`, `inputHost`. */
  flagAttribute: string | null;
  schema: SettingSchema;
  /** Never printed. */
  secret: boolean;
  /** Why its limits are what they are, for its error message. */
  limitReason: string | null;
}

export const ENV_PREFIX = "PAGEVIEWS_";

/** The flags of `pageviews serve`. `--host` is the listen address, so the combined-log site host is `--input-host`. */
const FLAGS: Partial<Record<SettingPath, string>> = {
  dataDir: "--data-dir",
  "server.host": "--host",
  "server.port": "--port",
  "server.rateLimit": "--rate-limit",
  "server.responseCacheMiB": "--response-cache",
  "server.topPerCountryThreshold": "--top-per-country-threshold",
  "server.trustProxy": "--trust-proxy",
  "server.logClientIp": "--log-client-ip",
  "server.logLevel": "--log-level",
  "ingest.watch": "--watch",
  "ingest.watchInclude": "--watch-include",
  "ingest.watchExclude": "--watch-exclude",
  "ingest.stdin": "--stdin",
  "ingest.token": "--ingest-token",
  "ingest.maxBodyMiB": "--max-body-mib",
  "ingest.format": "--format",
  "ingest.host": "--input-host",
  "ingest.geoDb": "--geo-db",
  "ingest.graceMinutes": "--grace-minutes",
  "kafka.brokers": "--kafka-brokers",
  "kafka.topic": "--kafka-topic",
  "kafka.groupId": "--kafka-group",
  "kafka.fromBeginning": "--kafka-from-beginning",
  "retention.days": "--retention-days",
  "retention.purgeAt": "--purge-at",
  "readiness.maxLagMinutes": "--max-lag-minutes",
  "store.kind": "--store",
  "store.url": "--store-url",
  "store.database": "--store-database",
  "store.cluster": "--store-cluster",
  "store.shards": "--store-shard",
  "store.memoryMiB": "--store-memory",
};

const SECRETS: ReadonlySet<SettingPath> = new Set(["ingest.token", "kafka.saslPassword"]);

const LIMIT_REASONS: Partial<Record<SettingPath, string>> = {
  "retention.days":
    `raw requests and actor metrics are personal data, and the privacy policy keeps them at most ` +
    `${MAX_RETENTION_DAYS} days (docs/privacy.md)`,
};

/** `responseCacheMiB` → `RESPONSE_CACHE_MIB`: words split at capitals, `MiB` being one word. */
function upperSnake(key: string): string {
  return (key.match(/MiB|[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g) ?? [key]).join("_").toUpperCase();
}

/** `--input-host` → `inputHost`, as commander names it. */
function flagAttribute(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function setting(keys: readonly string[], schema: SettingSchema): Setting {
  const path = keys.join(".") as SettingPath;
  const flag = FLAGS[path] ?? null;
  return {
    path,
    keys,
    env: ENV_PREFIX + keys.map(upperSnake).join("_"),
    flag,
    flagAttribute: flag === null ? null : flagAttribute(flag),
    schema,
    secret: SECRETS.has(path),
    limitReason: LIMIT_REASONS[path] ?? null,
  };
}

function isGroup(schema: SettingSchema | GroupSchema): schema is GroupSchema {
  return schema.type === "object";
}

/** Every setting, in the schema's order. */
export const SETTINGS: readonly Setting[] = Object.entries(
  CONFIG_SCHEMA.properties as Record<string, SettingSchema | GroupSchema>,
).flatMap(([key, schema]) =>
  isGroup(schema)
    ? Object.entries(schema.properties).map(([leaf, leafSchema]) => setting([key, leaf], leafSchema))
    : [setting([key], schema)],
);

export const SETTINGS_BY_ENV: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.env, s]));

/** The schema of a setting or group given as keys, or null when there is none. */
export function schemaAt(keys: readonly string[]): SettingSchema | GroupSchema | typeof CONFIG_SCHEMA | null {
  let schema: SettingSchema | GroupSchema | typeof CONFIG_SCHEMA = CONFIG_SCHEMA;
  for (const key of keys) {
    if (schema.type !== "object") return null;
    const properties: Record<string, SettingSchema | GroupSchema> = schema.properties;
    const next = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (next === undefined) return null;
    schema = next;
  }
  return schema;
}
