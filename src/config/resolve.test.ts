import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { type ConfigInputs, resolveConfig } from "./resolve.ts";

const yamlFile = (text: string) => ({ name: "pageviews.config.yaml", text });

/** The problems resolveConfig throws for these inputs; fails the test when it does not throw. */
function problemsOf(inputs: ConfigInputs): readonly string[] {
  try {
    resolveConfig(inputs);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveConfig: precedence", () => {
  const file = yamlFile("dataDir: /file\nserver:\n  port: 1001\n  host: 0.0.0.0\n  logLevel: warn\n");
  const env = { PAGEVIEWS_SERVER_PORT: "1002", PAGEVIEWS_SERVER_LOG_LEVEL: "debug" };
  const flags = { logLevel: "error" };

  it("takes the file over the defaults", () => {
    const { config, sources } = resolveConfig({ file, env: {} });
    expect(config.dataDir).toBe("/file");
    expect(config.server).toMatchObject({ port: 1001, host: "0.0.0.0", logLevel: "warn", rateLimit: 100 });
    expect(sources).toMatchObject({
      dataDir: "pageviews.config.yaml",
      "server.port": "pageviews.config.yaml",
      "server.rateLimit": "default",
    });
  });

  it("takes the environment over the file", () => {
    const { config, sources } = resolveConfig({ file, env });
    expect(config.server).toMatchObject({ port: 1002, host: "0.0.0.0", logLevel: "debug" });
    expect(sources["server.port"]).toBe("PAGEVIEWS_SERVER_PORT");
    expect(sources["server.host"]).toBe("pageviews.config.yaml");
  });

  it("takes flags over the environment", () => {
    const { config, sources } = resolveConfig({ file, env, flags });
    expect(config.server).toMatchObject({ port: 1002, host: "0.0.0.0", logLevel: "error" });
    expect(sources["server.logLevel"]).toBe("--log-level");
  });

  it("lets the environment set to null what the file set", () => {
    const { config, sources } = resolveConfig({
      file: yamlFile("ingest:\n  watch: /var/log/nginx\n"),
      env: { PAGEVIEWS_INGEST_WATCH: "" },
    });
    expect(config.ingest.watch).toBeNull();
    expect(sources["ingest.watch"]).toBe("PAGEVIEWS_INGEST_WATCH");
  });

  it("replaces a list of a source of lower precedence instead of adding to it", () => {
    const file = yamlFile("ingest:\n  watchInclude: [access.log*]\n  watchExclude: ['*.gz', '*.tmp']\n");
    const env = { PAGEVIEWS_INGEST_WATCH_INCLUDE: "error.log*,access.log*" };
    const { config, sources } = resolveConfig({ file, env, flags: { watchExclude: ["*.1"] } });
    expect(config.ingest).toMatchObject({
      watchInclude: ["error.log*", "access.log*"],
      watchExclude: ["*.1"],
    });
    expect(sources["ingest.watchInclude"]).toBe("PAGEVIEWS_INGEST_WATCH_INCLUDE");
    expect(sources["ingest.watchExclude"]).toBe("--watch-exclude");
  });

  it("lets the environment empty a list the file set", () => {
    const { config } = resolveConfig({
      file: yamlFile("ingest:\n  watchExclude: ['*.gz']\n"),
      env: { PAGEVIEWS_INGEST_WATCH_EXCLUDE: "" },
    });
    expect(config.ingest.watchExclude).toEqual([]);
  });

  describe("of the store", () => {
    const shards = ["http://ch1:8123", "http://ch2:8123"];

    it("selects a ClickHouse store from the file", () => {
      const file = yamlFile(
        "store:\n  kind: clickhouse\n  url: http://ch1:8123\n  cluster: pageviews\n" +
          "  shards:\n    - http://ch1:8123\n    - http://ch2:8123\n",
      );
      const { config, sources } = resolveConfig({ file, env: {} });
      expect(config.store).toEqual({
        kind: "clickhouse",
        url: "http://ch1:8123",
        database: "pageviews",
        cluster: "pageviews",
        shards,
        memoryMiB: 256,
      });
      expect(sources["store.shards"]).toBe("pageviews.config.yaml");
      expect(sources["store.database"]).toBe("default");
    });

    it("selects it from the environment, shards comma-separated", () => {
      const env = {
        PAGEVIEWS_STORE_KIND: "clickhouse",
        PAGEVIEWS_STORE_URL: "http://ch1:8123",
        PAGEVIEWS_STORE_DATABASE: "views",
        PAGEVIEWS_STORE_CLUSTER: "pageviews",
        PAGEVIEWS_STORE_SHARDS: "http://ch1:8123, http://ch2:8123",
      };
      const { config, sources } = resolveConfig({ env });
      expect(config.store).toEqual({
        kind: "clickhouse",
        url: "http://ch1:8123",
        database: "views",
        cluster: "pageviews",
        shards,
        memoryMiB: 256,
      });
      expect(sources["store.shards"]).toBe("PAGEVIEWS_STORE_SHARDS");
    });

    it("takes DuckDB's memory from the environment, or a flag over it", () => {
      const env = { PAGEVIEWS_STORE_MEMORY_MIB: "512" };
      expect(resolveConfig({ env }).config.store.memoryMiB).toBe(512);
      const { config, sources } = resolveConfig({ env, flags: { storeMemory: "1024" } });
      expect(config.store.memoryMiB).toBe(1024);
      expect(sources["store.memoryMiB"]).toBe("--store-memory");
    });

    it("selects it from flags, one --store-shard per shard", () => {
      const flags = {
        store: "clickhouse",
        storeUrl: "http://ch1:8123",
        storeDatabase: "views",
        storeCluster: "pageviews",
        storeShard: shards,
      };
      const { config, sources } = resolveConfig({ env: { PAGEVIEWS_STORE_KIND: "duckdb" }, flags });
      expect(config.store).toEqual({
        kind: "clickhouse",
        url: "http://ch1:8123",
        database: "views",
        cluster: "pageviews",
        shards,
        memoryMiB: 256,
      });
      expect(sources).toMatchObject({ "store.kind": "--store", "store.shards": "--store-shard" });
    });

    it("lets a ClickHouse store take its settings from several sources", () => {
      const file = yamlFile("store:\n  url: http://ch1:8123\n  cluster: pageviews\n");
      const env = { PAGEVIEWS_STORE_SHARDS: "http://ch1:8123" };
      expect(resolveConfig({ file, env, flags: { store: "clickhouse" } }).config.store.kind).toBe(
        "clickhouse",
      );
    });

    it("leaves the ClickHouse settings unused by a DuckDB store", () => {
      const { config } = resolveConfig({ env: { PAGEVIEWS_STORE_URL: "http://ch1:8123" } });
      expect(config.store).toMatchObject({ kind: "duckdb", url: "http://ch1:8123", cluster: null });
    });
  });

  describe("of the Kafka source", () => {
    it("takes its brokers comma-separated from a flag or the environment", () => {
      const { config, sources } = resolveConfig({
        env: { PAGEVIEWS_KAFKA_GROUP_ID: "pageviews-eqiad" },
        flags: { kafkaBrokers: "kafka1:9092, kafka2:9092", kafkaTopic: "webrequest_text" },
      });
      expect(config.kafka).toMatchObject({
        brokers: ["kafka1:9092", "kafka2:9092"],
        topic: "webrequest_text",
        groupId: "pageviews-eqiad",
        fromBeginning: false,
      });
      expect(sources).toMatchObject({
        "kafka.brokers": "--kafka-brokers",
        "kafka.groupId": "PAGEVIEWS_KAFKA_GROUP_ID",
      });
      expect(resolveConfig({ env: {}, flags: { kafkaGroup: "g" } }).config.kafka.groupId).toBe("g");
    });

    it("refuses a SASL mechanism without its user name and password", () => {
      expect(
        problemsOf({
          env: {},
          flags: {},
          file: yamlFile("kafka:\n  saslMechanism: plain\n  saslUsername: pv\n"),
        }),
      ).toEqual([
        "pageviews.config.yaml: kafka.saslMechanism plain needs kafka.saslUsername and kafka.saslPassword; " +
          "not set: kafka.saslPassword",
      ]);
    });

    it("names the broker that is not host:port", () => {
      expect(problemsOf({ env: { PAGEVIEWS_KAFKA_BROKERS: "kafka1:9092,kafka2" } })).toEqual([
        'PAGEVIEWS_KAFKA_BROKERS: kafka.brokers must be a list of brokers as host:port (got ["kafka1:9092","kafka2"])',
      ]);
    });
  });

  it("reads a JSON file as well as a YAML one", () => {
    const json = { name: "pageviews.config.json", text: '{"retention": {"days": 30, "purgeAt": "04:00"}}' };
    expect(resolveConfig({ file: json, env: {} }).config.retention).toEqual({ days: 30, purgeAt: "04:00" });
  });
});

describe("resolveConfig: problems", () => {
  it("names the file, the key, what it must be and what it got", () => {
    expect(problemsOf({ file: yamlFile("server:\n  port: 80a\n"), env: {} })).toEqual([
      'pageviews.config.yaml: server.port must be an integer from 0 to 65535 (got "80a")',
    ]);
  });

  it("refuses values out of range", () => {
    expect(problemsOf({ file: yamlFile("ingest:\n  graceMinutes: 2000\n"), env: {} })).toEqual([
      "pageviews.config.yaml: ingest.graceMinutes must be an integer from 0 to 1440 (got 2000)",
    ]);
  });

  it("refuses a group that is not a mapping", () => {
    expect(problemsOf({ file: yamlFile("server: 8080\n"), env: {} })).toEqual([
      "pageviews.config.yaml: server must be a mapping of settings (got 8080)",
    ]);
  });

  it("refuses unknown keys in the file, suggesting the key probably meant", () => {
    expect(
      problemsOf({ file: yamlFile("server:\n  prot: 9000\n  colour: red\nservr: {}\n"), env: {} }),
    ).toEqual([
      "pageviews.config.yaml: servr: unknown key (did you mean server?)",
      "pageviews.config.yaml: server.prot: unknown key (did you mean server.port?)",
      "pageviews.config.yaml: server.colour: unknown key",
    ]);
  });

  it("keeps a __proto__ key of a JSON file an unknown key", () => {
    const file = { name: "c.json", text: '{"__proto__": {"dataDir": "/elsewhere"}}' };
    expect(problemsOf({ file, env: {} })).toEqual(["c.json: __proto__: unknown key"]);
  });

  it("names the variable of a bad environment value", () => {
    expect(problemsOf({ env: { PAGEVIEWS_SERVER_TRUST_PROXY: "yes" } })).toEqual([
      'PAGEVIEWS_SERVER_TRUST_PROXY: server.trustProxy must be true or false (got "yes")',
    ]);
  });

  describe("of the pattern lists", () => {
    const patterns = 'file name patterns (non-empty, without "/")';

    it("names the file and the list of a bad pattern, showing the whole list", () => {
      expect(problemsOf({ file: yamlFile("ingest:\n  watchExclude: ['*.gz', 7, '']\n"), env: {} })).toEqual([
        `pageviews.config.yaml: ingest.watchExclude must be a list of ${patterns} (got ["*.gz",7,""])`,
      ]);
    });

    it("refuses a single pattern where a list is expected", () => {
      expect(problemsOf({ file: yamlFile("ingest:\n  watchInclude: access.log\n"), env: {} })).toEqual([
        `pageviews.config.yaml: ingest.watchInclude must be a non-empty list of ${patterns} (got "access.log")`,
      ]);
    });

    it("names the variable and the flag of an empty pattern", () => {
      const env = { PAGEVIEWS_INGEST_WATCH_EXCLUDE: "*.gz,,*.tmp" };
      expect(problemsOf({ env, flags: { watchInclude: [""] } })).toEqual([
        `PAGEVIEWS_INGEST_WATCH_EXCLUDE: ingest.watchExclude must be a list of ${patterns} (got ["*.gz","","*.tmp"])`,
        `--watch-include: ingest.watchInclude must be a non-empty list of ${patterns} (got [""])`,
      ]);
    });

    it("refuses an empty include list, which would watch no file", () => {
      expect(problemsOf({ env: { PAGEVIEWS_INGEST_WATCH_INCLUDE: "" } })).toEqual([
        `PAGEVIEWS_INGEST_WATCH_INCLUDE: ingest.watchInclude must be a non-empty list of ${patterns} (got [])`,
      ]);
    });

    it("refuses a pattern with a slash, since patterns match file names", () => {
      expect(problemsOf({ env: {}, flags: { watchExclude: ["old/*"] } })).toEqual([
        `--watch-exclude: ingest.watchExclude must be a list of ${patterns} (got ["old/*"])`,
      ]);
    });
  });

  it("refuses unknown PAGEVIEWS_* variables", () => {
    expect(problemsOf({ env: { PAGEVIEWS_SERVER_PROT: "9000" } })).toEqual([
      "PAGEVIEWS_SERVER_PROT: unknown setting (did you mean PAGEVIEWS_SERVER_PORT?)",
    ]);
  });

  it("names the flag of a bad flag value", () => {
    expect(problemsOf({ env: {}, flags: { format: "xml" } })).toEqual([
      '--format: ingest.format must be one of auto, webrequest, combined, vhost_combined (got "xml")',
    ]);
  });

  it("refuses a retention above 90 days, saying why", () => {
    const [problem, ...rest] = problemsOf({ env: { PAGEVIEWS_RETENTION_DAYS: "120" } });
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^PAGEVIEWS_RETENTION_DAYS: retention\.days must be an integer from 1 to 90 \(got 120\): /,
    );
    expect(problem).toMatch(/personal data.*privacy policy.*at most 90 days/);
  });

  it("reports a bad value even when a source of higher precedence overrides it", () => {
    expect(
      problemsOf({ file: yamlFile("server:\n  port: 80a\n"), env: {}, flags: { port: "9000" } }),
    ).toEqual(['pageviews.config.yaml: server.port must be an integer from 0 to 65535 (got "80a")']);
  });

  it("lists every problem of every source in one error, file first, flags last", () => {
    const error = (() => {
      try {
        resolveConfig({
          file: yamlFile("server:\n  port: -1\n"),
          env: { PAGEVIEWS_RETENTION_PURGE_AT: "3am", PAGEVIEWS_NOPE: "1" },
          flags: { rateLimit: "many" },
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      [
        "invalid configuration:",
        "  pageviews.config.yaml: server.port must be an integer from 0 to 65535 (got -1)",
        "  PAGEVIEWS_NOPE: unknown setting",
        '  PAGEVIEWS_RETENTION_PURGE_AT: retention.purgeAt must be a UTC time of day as HH:MM (got "3am")',
        '  --rate-limit: server.rateLimit must be an integer of at least 0 (got "many")',
      ].join("\n"),
    );
  });

  describe("of a ClickHouse store", () => {
    const needs = "store.kind clickhouse needs store.url, store.cluster and store.shards (one URL per shard)";

    it("names the keys it needs and those not set, with the source that selected it", () => {
      expect(problemsOf({ env: {}, flags: { store: "clickhouse" } })).toEqual([
        `--store: ${needs}; not set: store.url, store.cluster, store.shards`,
      ]);
      const file = yamlFile("store:\n  kind: clickhouse\n  url: http://ch1:8123\n  cluster: pageviews\n");
      expect(problemsOf({ file, env: {} })).toEqual([
        `pageviews.config.yaml: ${needs}; not set: store.shards`,
      ]);
    });

    it("counts a setting emptied by a source of higher precedence as not set", () => {
      const file = yamlFile(
        "store:\n  kind: clickhouse\n  url: http://ch1:8123\n  cluster: pageviews\n  shards: [http://ch1:8123]\n",
      );
      expect(problemsOf({ file, env: { PAGEVIEWS_STORE_SHARDS: "", PAGEVIEWS_STORE_CLUSTER: "" } })).toEqual([
        `pageviews.config.yaml: ${needs}; not set: store.cluster, store.shards`,
      ]);
    });

    it("reports a shard that is not an HTTP URL, naming the list", () => {
      expect(problemsOf({ env: {}, flags: { storeShard: ["http://ch1:8123", "ch2:9000"] } })).toEqual([
        '--store-shard: store.shards must be a list of http:// or https:// URLs (got ["http://ch1:8123","ch2:9000"])',
      ]);
    });
  });

  it("reports a syntax error in the file along with the other sources' problems", () => {
    expect(problemsOf({ file: yamlFile("server: [\n"), env: { PAGEVIEWS_X: "1" } })).toEqual([
      expect.stringMatching(/^pageviews\.config\.yaml: not valid YAML: /),
      "PAGEVIEWS_X: unknown setting",
    ]);
  });
});
