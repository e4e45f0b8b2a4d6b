import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatEffectiveConfig } from "./print.ts";
import { resolveConfig } from "./resolve.ts";

describe("formatEffectiveConfig", () => {
  const effective = resolveConfig({
    file: {
      name: "pageviews.config.yaml",
      text: "server:\n  host: 0.0.0.0\ningest:\n  token: s3cret-token\n",
    },
    env: { PAGEVIEWS_SERVER_PORT: "9000", PAGEVIEWS_INGEST_WATCH_EXCLUDE: "*.gz,*.tmp" },
    flags: { retentionDays: "30", watchInclude: ["access.log*", "a, b [c].log"] },
  });
  const printed = formatEffectiveConfig(effective);
  const lines = printed.split("\n");

  it("follows each value with the source it comes from", () => {
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}port: 9000 +# PAGEVIEWS_SERVER_PORT$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}host: 0\.0\.0\.0 +# pageviews\.config\.yaml$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}days: 30 +# --retention-days$/));
    expect(lines).toContainEqual(expect.stringMatching(/^dataDir: \.\/data +# default$/));
  });

  it("prints lists on one line, in flow style", () => {
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}watchInclude: \[access\.log\*, "a, b \[c\]\.log"\] +# --watch-include$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}watchExclude: \["\*\.gz", "\*\.tmp"\] +# PAGEVIEWS_INGEST_WATCH_EXCLUDE$/),
    );
  });

  it("hides the ingest token", () => {
    expect(printed).not.toContain("s3cret");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}token: "\*\*\*" +# pageviews\.config\.yaml$/));
  });

  it("hides passwords in the store's URLs, and keeps the rest of them", () => {
    const withPasswords = formatEffectiveConfig(
      resolveConfig({
        env: {
          PAGEVIEWS_STORE_KIND: "clickhouse",
          PAGEVIEWS_STORE_URL: "http://reader:hunter2@ch1:8123",
          PAGEVIEWS_STORE_CLUSTER: "pageviews",
          PAGEVIEWS_STORE_SHARDS: "http://reader:hunter2@ch1:8123,http://ch2:8123",
        },
      }),
    );
    expect(withPasswords).not.toContain("hunter2");
    expect(withPasswords).toMatch(/^ {2}url: http:\/\/reader:\*\*\*@ch1:8123 +# PAGEVIEWS_STORE_URL$/m);
    expect(withPasswords).toContain("shards: [http://reader:***@ch1:8123, http://ch2:8123]");
  });

  it("hides the Kafka SASL password", () => {
    const printed = formatEffectiveConfig(
      resolveConfig({
        env: {
          PAGEVIEWS_KAFKA_SASL_MECHANISM: "scram-sha-512",
          PAGEVIEWS_KAFKA_SASL_USERNAME: "pageviews",
          PAGEVIEWS_KAFKA_SASL_PASSWORD: "hunter2",
        },
      }),
    );
    expect(printed).not.toContain("hunter2");
    expect(printed).toMatch(/^ {2}saslPassword: "\*\*\*" +# PAGEVIEWS_KAFKA_SASL_PASSWORD$/m);
    expect(printed).toMatch(/^ {2}saslUsername: pageviews +# PAGEVIEWS_KAFKA_SASL_USERNAME$/m);
  });

  it("shows an unset token as null", () => {
    expect(formatEffectiveConfig(resolveConfig({ env: {} }))).toMatch(/^ {2}token: null +# default$/m);
  });

  it("aligns the sources in one column", () => {
    const columns = new Set(lines.filter((line) => line.includes(" # ")).map((line) => line.indexOf("# ")));
    expect(columns.size).toBe(1);
  });

  it("is YAML that reads back as the same configuration, the secret aside", () => {
    expect(parse(printed)).toEqual({
      ...effective.config,
      ingest: { ...effective.config.ingest, token: "***" },
    });
  });

  it("reads back as the same configuration when loaded as a configuration file", () => {
    const defaults = resolveConfig({ env: {} });
    const reloaded = resolveConfig({
      file: { name: "p.yaml", text: formatEffectiveConfig(defaults) },
      env: {},
    });
    expect(reloaded.config).toEqual(defaults.config);
  });
});
