import { Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../config/load.ts";
import { INGEST_FORMATS, LOG_LEVELS } from "../config/schema.ts";
import type { ConfigFlags } from "../config/sources.ts";
import { MAX_RETENTION_DAYS } from "../pipeline/purge.ts";
import { startService } from "../service/service.ts";
import { addConfigOption } from "./config.ts";
import { addStoreOptions, collect } from "./store-options.ts";
import { version } from "./version.ts";

/**
 * Settings come from the configuration file, then `PAGEVIEWS_*` variables, then these flags (see
 * docs/configuration.md); so no flag has a default here, or it would always win.
 */
export function serveCommand(): Command {
  return addStoreOptions(addConfigOption(new Command("serve")))
    .description(
      "Run the system: the Pageview API at /api/rest_v1/metrics/..., continuous ingestion (--watch, POST " +
        "/ingest, --stdin, --kafka-brokers) with hours processed as they close, the daily retention purge, and /healthz, " +
        "/readyz and /metrics",
    )
    .option("--data-dir <dir>", "data directory (default: ./data)")
    .option("--port <n>", "TCP port (default: 8080)")
    .option("--host <address>", "address to listen on; 0.0.0.0 for every interface (default: 127.0.0.1)")
    .option("--rate-limit <n>", "requests per second per client before 429; 0: no limit (default: 100)")
    .option(
      "--response-cache <MiB>",
      "memory for answers served again until the data changes; 0: none (default: 64)",
    )
    .option(
      "--top-per-country-threshold <n>",
      "top-per-country lists only articles with more user views than this in the country that day (default: 1000)",
    )
    .option("--trust-proxy", "take client addresses from X-Forwarded-For (behind a reverse proxy)")
    .option("--log-client-ip", "include client addresses in request logs (personal data: off by default)")
    .addOption(new Option("--log-level <level>", "log level (default: info)").choices(LOG_LEVELS))
    .option("--watch <dir>", "ingest new and growing log files in this directory")
    .option(
      "--watch-include <pattern>",
      "ingest only the watched files whose names match; * any characters, ? one; repeatable (default: *)",
      collect,
    )
    .option(
      "--watch-exclude <pattern>",
      "do not ingest the watched files whose names match, e.g. '*.gz'; repeatable",
      collect,
    )
    .option("--stdin", "ingest lines from standard input (tail -F access.log | pageviews serve --stdin)")
    .option("--ingest-token <token>", "accept POST /ingest with Authorization: Bearer <token>")
    .option("--max-body-mib <n>", "largest POST /ingest body, in MiB (default: 64)")
    .addOption(
      new Option("--format <format>", "format of ingested lines (default: auto)").choices(INGEST_FORMATS),
    )
    .option("--input-host <host>", "the site's host, for combined log lines (which do not name it)")
    .option(
      "--geo-db <path>",
      "a MaxMind GeoIP2/GeoLite2 Country or City database instead of the bundled one",
    )
    .option("--grace-minutes <n>", "minutes after its end an hour waits for late lines (default: 10)")
    .option(
      "--kafka-brokers <host:port,...>",
      "consume webrequest JSON messages from these Kafka brokers, comma-separated (default: none)",
    )
    .option("--kafka-topic <topic>", "the Kafka topic of webrequest messages (default: webrequest)")
    .option("--kafka-group <id>", "the Kafka consumer group (default: pageviews)")
    .option(
      "--kafka-from-beginning",
      "a consumer group without committed offsets starts at the oldest message kept, not the next one",
    )
    .option(
      "--retention-days <n>",
      `days of raw requests and actor metrics to keep, 1 to ${MAX_RETENTION_DAYS} (default: ${MAX_RETENTION_DAYS})`,
    )
    .option("--purge-at <HH:MM>", "time of the daily purge and compaction, UTC (default: 03:15)")
    .option(
      "--max-lag-minutes <n>",
      "/readyz fails when the newest processed hour is older than this (default: 90)",
    )
    .option(
      "--now <iso>",
      "start the clock at this time instead of the real one (for tests and replays)",
      isoTime,
    )
    .action(async (flags: ConfigFlags & { config?: string; now?: Date }) => {
      const config = loadConfig({ file: flags.config, env: process.env, flags });
      const service = await startService({ ...config, version, startTime: flags.now });
      process.stderr.write(
        `Pageview API: ${service.address}/api/rest_v1/metrics/pageviews/  (docs: ${service.address}/api/rest_v1/?doc)\n`,
      );
      await stopOnSignals(() => service.stop());
    });
}

/**
 * Waits for SIGTERM or SIGINT, then stops: the API stops accepting, accepted lines are landed, and
 * the process exits 0. A second signal exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSignal = () => {
      process.once("SIGTERM", () => process.exit(1));
      process.once("SIGINT", () => process.exit(1));
      stop().then(resolve, reject);
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
}

function isoTime(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("Not an ISO 8601 time.");
  return date;
}
