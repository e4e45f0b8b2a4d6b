import { describe, expect, it } from "vitest";
import { SETTINGS, SETTINGS_BY_ENV } from "./settings.ts";

const byPath = (path: string) => SETTINGS.find((setting) => setting.path === path);

describe("the settings", () => {
  it("name their environment variables PAGEVIEWS_<GROUP>_<KEY> in upper snake case", () => {
    expect(byPath("dataDir")?.env).toBe("PAGEVIEWS_DATA_DIR");
    expect(byPath("server.port")?.env).toBe("PAGEVIEWS_SERVER_PORT");
    expect(byPath("server.responseCacheMiB")?.env).toBe("PAGEVIEWS_SERVER_RESPONSE_CACHE_MIB");
    expect(byPath("server.logClientIp")?.env).toBe("PAGEVIEWS_SERVER_LOG_CLIENT_IP");
    expect(byPath("ingest.maxBodyMiB")?.env).toBe("PAGEVIEWS_INGEST_MAX_BODY_MIB");
    expect(byPath("ingest.token")?.env).toBe("PAGEVIEWS_INGEST_TOKEN");
    expect(byPath("ingest.watchInclude")?.env).toBe("PAGEVIEWS_INGEST_WATCH_INCLUDE");
    expect(byPath("ingest.watchExclude")?.env).toBe("PAGEVIEWS_INGEST_WATCH_EXCLUDE");
    expect(byPath("retention.purgeAt")?.env).toBe("PAGEVIEWS_RETENTION_PURGE_AT");
    expect(byPath("readiness.maxLagMinutes")?.env).toBe("PAGEVIEWS_READINESS_MAX_LAG_MINUTES");
    expect(byPath("store.kind")?.env).toBe("PAGEVIEWS_STORE_KIND");
    expect(byPath("store.shards")?.env).toBe("PAGEVIEWS_STORE_SHARDS");
    expect(byPath("kafka.groupId")?.env).toBe("PAGEVIEWS_KAFKA_GROUP_ID");
    expect(byPath("kafka.saslPassword")?.env).toBe("PAGEVIEWS_KAFKA_SASL_PASSWORD");
  });

  it("give every setting its own environment variable", () => {
    expect(SETTINGS_BY_ENV.size).toBe(SETTINGS.length);
  });

  it("map serve's flags to settings under commander's attribute names", () => {
    const flags = SETTINGS.filter((setting) => setting.flag !== null).map((s) => [
      s.flag,
      s.path,
      s.flagAttribute,
    ]);
    expect(flags).toEqual([
      ["--data-dir", "dataDir", "dataDir"],
      ["--host", "server.host", "host"],
      ["--port", "server.port", "port"],
      ["--rate-limit", "server.rateLimit", "rateLimit"],
      ["--response-cache", "server.responseCacheMiB", "responseCache"],
      ["--top-per-country-threshold", "server.topPerCountryThreshold", "topPerCountryThreshold"],
      ["--trust-proxy", "server.trustProxy", "trustProxy"],
      ["--log-client-ip", "server.logClientIp", "logClientIp"],
      ["--log-level", "server.logLevel", "logLevel"],
      ["--watch", "ingest.watch", "watch"],
      ["--watch-include", "ingest.watchInclude", "watchInclude"],
      ["--watch-exclude", "ingest.watchExclude", "watchExclude"],
      ["--stdin", "ingest.stdin", "stdin"],
      ["--ingest-token", "ingest.token", "ingestToken"],
      ["--max-body-mib", "ingest.maxBodyMiB", "maxBodyMib"],
      ["--format", "ingest.format", "format"],
      ["--input-host", "ingest.host", "inputHost"],
      ["--geo-db", "ingest.geoDb", "geoDb"],
      ["--grace-minutes", "ingest.graceMinutes", "graceMinutes"],
      ["--kafka-brokers", "kafka.brokers", "kafkaBrokers"],
      ["--kafka-topic", "kafka.topic", "kafkaTopic"],
      ["--kafka-group", "kafka.groupId", "kafkaGroup"],
      ["--kafka-from-beginning", "kafka.fromBeginning", "kafkaFromBeginning"],
      ["--retention-days", "retention.days", "retentionDays"],
      ["--purge-at", "retention.purgeAt", "purgeAt"],
      ["--max-lag-minutes", "readiness.maxLagMinutes", "maxLagMinutes"],
      ["--store", "store.kind", "store"],
      ["--store-url", "store.url", "storeUrl"],
      ["--store-database", "store.database", "storeDatabase"],
      ["--store-cluster", "store.cluster", "storeCluster"],
      ["--store-shard", "store.shards", "storeShard"],
      ["--store-memory", "store.memoryMiB", "storeMemory"],
    ]);
  });

  it("keep the ingest token and the Kafka password secret", () => {
    expect(SETTINGS.filter((setting) => setting.secret).map((setting) => setting.path)).toEqual([
      "ingest.token",
      "kafka.saslPassword",
    ]);
  });
});
