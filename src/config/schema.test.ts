import { describe, expect, it } from "vitest";
import { checkLayer } from "./check.ts";
import { resolveConfig } from "./resolve.ts";
import { DEFAULT_CONFIG } from "./schema.ts";

describe("the configuration schema", () => {
  it("accepts the defaults", () => {
    expect(checkLayer("defaults", DEFAULT_CONFIG as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("has the documented defaults when nothing is configured", () => {
    expect(resolveConfig({ env: {} }).config).toEqual({
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
      retention: { days: 90, purgeAt: "03:15" },
      readiness: { maxLagMinutes: 90 },
      store: { kind: "duckdb", url: null, database: "pageviews", cluster: null, shards: [], memoryMiB: 256 },
    });
  });

  it("gives a copy of the defaults, so that changing a configuration leaves them alone", () => {
    const { config } = resolveConfig({ env: {} });
    config.server.port = 1;
    expect(DEFAULT_CONFIG.server.port).toBe(8080);
  });

  it.each([
    ["server.port", { server: { port: 65_536 } }],
    ["server.port", { server: { port: 80.5 } }],
    ["server.rateLimit", { server: { rateLimit: -1 } }],
    ["server.logLevel", { server: { logLevel: "verbose" } }],
    ["ingest.maxBodyMiB", { ingest: { maxBodyMiB: 0 } }],
    ["ingest.graceMinutes", { ingest: { graceMinutes: 1441 } }],
    ["ingest.token", { ingest: { token: "" } }],
    ["ingest.watchInclude", { ingest: { watchInclude: [] } }],
    ["ingest.watchInclude", { ingest: { watchInclude: "access.log" } }],
    ["ingest.watchInclude", { ingest: { watchInclude: ["nginx/access.log"] } }],
    ["ingest.watchExclude", { ingest: { watchExclude: ["*.gz", ""] } }],
    ["ingest.watchExclude", { ingest: { watchExclude: [1] } }],
    ["ingest.watchExclude", { ingest: { watchExclude: null } }],
    ["retention.days", { retention: { days: 0 } }],
    ["retention.days", { retention: { days: 91 } }],
    ["retention.purgeAt", { retention: { purgeAt: "3:15" } }],
    ["retention.purgeAt", { retention: { purgeAt: "24:00" } }],
    ["readiness.maxLagMinutes", { readiness: { maxLagMinutes: 0 } }],
    ["dataDir", { dataDir: "" }],
    ["store.kind", { store: { kind: "postgres" } }],
    ["store.url", { store: { url: "ch1:8123" } }],
    ["store.url", { store: { url: "http://ch1 :8123" } }],
    ["store.database", { store: { database: "" } }],
    ["store.cluster", { store: { cluster: "" } }],
    ["store.shards", { store: { shards: "http://ch1:8123" } }],
    ["store.shards", { store: { shards: ["http://ch1:8123", "tcp://ch2:9000"] } }],
    ["kafka.brokers", { kafka: { brokers: "kafka1:9092" } }],
    ["kafka.brokers", { kafka: { brokers: ["kafka1"] } }],
    ["kafka.brokers", { kafka: { brokers: ["kafka://kafka1:9092"] } }],
    ["kafka.brokers", { kafka: { brokers: ["kafka1:9092", "kafka 2:9092"] } }],
    ["kafka.topic", { kafka: { topic: "" } }],
    ["kafka.saslMechanism", { kafka: { saslMechanism: "gssapi" } }],
  ])("refuses a bad %s: %j", (key, settings) => {
    const problems = checkLayer("file", settings);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^file: ${key.replace(".", "\\.")} must be `));
  });

  it.each([
    { server: { port: 0 } },
    { server: { port: 65_535 } },
    { ingest: { graceMinutes: 0 } },
    { ingest: { graceMinutes: 1440 } },
    { ingest: { watch: "/var/log/nginx", token: "s3cret", host: "example.org", geoDb: "/geo.mmdb" } },
    { ingest: { format: "vhost_combined" } },
    { ingest: { watchInclude: ["access.log*", "?.log"], watchExclude: ["*.gz", "*.tmp"] } },
    { ingest: { watchExclude: [] } },
    { retention: { days: 1, purgeAt: "23:59" } },
    { retention: { purgeAt: "00:00" } },
    { store: { kind: "clickhouse", url: "https://ch1.example.org/", cluster: "pageviews" } },
    { store: { shards: ["http://ch1:8123", "http://10.0.0.2:8123/"], database: "views" } },
    { kafka: { brokers: ["kafka1001.eqiad.wmnet:9092", "10.0.0.3:9093"], topic: "webrequest_text" } },
    { kafka: { saslMechanism: "scram-sha-512", saslUsername: "pageviews", saslPassword: "s3cret" } },
  ])("accepts %j", (settings) => {
    expect(checkLayer("file", settings)).toEqual([]);
  });
});
