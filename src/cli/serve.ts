import { Command, InvalidArgumentError, Option } from "commander";
import {
  DEFAULT_RATE_LIMIT,
  DEFAULT_RESPONSE_CACHE_MIB,
  DEFAULT_TOP_PER_COUNTRY_THRESHOLD,
} from "../api/server.ts";
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from "../pipeline/purge.ts";
import { type ServiceOptions, startService } from "../service/service.ts";
import { version } from "./version.ts";

interface ServeFlags {
  dataDir: string;
  port: number;
  host: string;
  rateLimit: number;
  responseCache: number;
  topPerCountryThreshold: number;
  trustProxy?: boolean;
  logClientIp?: boolean;
  logLevel: string;
  watch?: string;
  stdin?: boolean;
  ingestToken?: string;
  maxBodyMib: number;
  format: "auto" | "webrequest" | "combined";
  inputHost?: string;
  geoDb?: string;
  graceMinutes: number;
  retentionDays: number;
  purgeAt: string;
  maxLagMinutes: number;
  now?: Date;
}

/** The service's settings when nothing is configured. */
export function defaultServiceOptions(dataDir: string): Omit<ServiceOptions, "version"> {
  return {
    dataDir,
    server: {
      host: "127.0.0.1",
      port: 8080,
      rateLimit: DEFAULT_RATE_LIMIT,
      responseCacheMiB: DEFAULT_RESPONSE_CACHE_MIB,
      topPerCountryThreshold: DEFAULT_TOP_PER_COUNTRY_THRESHOLD,
      trustProxy: false,
      logClientIp: false,
      logLevel: "info",
    },
    ingest: {
      watch: null,
      stdin: false,
      token: null,
      maxBodyMiB: 64,
      format: "auto",
      host: null,
      geoDb: null,
      graceMinutes: 10,
    },
    retention: { days: DEFAULT_RETENTION_DAYS, purgeAt: "03:15" },
    readiness: { maxLagMinutes: 90 },
  };
}

export function serveCommand(): Command {
  const defaults = defaultServiceOptions("./data");
  return new Command("serve")
    .description(
      "Run the system: the Pageview API at /api/rest_v1/metrics/..., continuous ingestion (--watch, POST " +
        "/ingest, --stdin) with hours processed as they close, the daily retention purge, and /healthz, " +
        "/readyz and /metrics",
    )
    .option("--data-dir <dir>", "data directory", defaults.dataDir)
    .option("--port <n>", "TCP port", port, defaults.server.port)
    .option("--host <address>", "address to listen on (0.0.0.0 for every interface)", defaults.server.host)
    .option(
      "--rate-limit <n>",
      "requests per second per client before 429 (0: no limit)",
      count,
      defaults.server.rateLimit,
    )
    .option(
      "--response-cache <MiB>",
      "memory for answers served again until the data changes (0: none)",
      count,
      defaults.server.responseCacheMiB,
    )
    .option(
      "--top-per-country-threshold <n>",
      "top-per-country lists only articles with more user views than this in the country that day",
      count,
      defaults.server.topPerCountryThreshold,
    )
    .option("--trust-proxy", "take client addresses from X-Forwarded-For (behind a reverse proxy)")
    .option("--log-client-ip", "include client addresses in request logs (personal data: off by default)")
    .option(
      "--log-level <level>",
      "log level: fatal, error, warn, info, debug or silent",
      defaults.server.logLevel,
    )
    .option("--watch <dir>", "ingest new and growing log files in this directory")
    .option("--stdin", "ingest lines from standard input (tail -F access.log | pageviews serve --stdin)")
    .option("--ingest-token <token>", "accept POST /ingest with Authorization: Bearer <token>")
    .option("--max-body-mib <n>", "largest POST /ingest body, in MiB", count, defaults.ingest.maxBodyMiB)
    .addOption(
      new Option("--format <format>", "format of ingested lines")
        .choices(["auto", "webrequest", "combined"])
        .default("auto"),
    )
    .option("--input-host <host>", "the site's host, for combined log lines (which do not name it)")
    .option(
      "--geo-db <path>",
      "a MaxMind GeoIP2/GeoLite2 Country or City database instead of the bundled one",
    )
    .option(
      "--grace-minutes <n>",
      "minutes after its end an hour waits for late lines",
      count,
      defaults.ingest.graceMinutes,
    )
    .option(
      "--retention-days <n>",
      `days of raw requests and actor metrics to keep, 1 to ${MAX_RETENTION_DAYS}`,
      retentionDays,
      defaults.retention.days,
    )
    .option("--purge-at <HH:MM>", "time of the daily purge and compaction, UTC", defaults.retention.purgeAt)
    .option(
      "--max-lag-minutes <n>",
      "/readyz fails when the newest processed hour is older than this",
      count,
      defaults.readiness.maxLagMinutes,
    )
    .option(
      "--now <iso>",
      "start the clock at this time instead of the real one (for tests and replays)",
      isoTime,
    )
    .action(async (flags: ServeFlags) => {
      const service = await startService(serviceOptions(flags));
      process.stderr.write(
        `Pageview API: ${service.address}/api/rest_v1/metrics/pageviews/  (docs: ${service.address}/api/rest_v1/?doc)\n`,
      );
      await stopOnSignals(() => service.stop());
    });
}

function serviceOptions(flags: ServeFlags): ServiceOptions {
  return {
    dataDir: flags.dataDir,
    version,
    server: {
      host: flags.host,
      port: flags.port,
      rateLimit: flags.rateLimit,
      responseCacheMiB: flags.responseCache,
      topPerCountryThreshold: flags.topPerCountryThreshold,
      trustProxy: flags.trustProxy ?? false,
      logClientIp: flags.logClientIp ?? false,
      logLevel: flags.logLevel,
    },
    ingest: {
      watch: flags.watch ?? null,
      stdin: flags.stdin ?? false,
      token: flags.ingestToken ?? null,
      maxBodyMiB: flags.maxBodyMib,
      format: flags.format,
      host: flags.inputHost ?? null,
      geoDb: flags.geoDb ?? null,
      graceMinutes: flags.graceMinutes,
    },
    retention: { days: flags.retentionDays, purgeAt: flags.purgeAt },
    readiness: { maxLagMinutes: flags.maxLagMinutes },
    startTime: flags.now,
  };
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

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("Not a TCP port.");
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("Not a whole number.");
  return n;
}

function retentionDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RETENTION_DAYS) {
    throw new InvalidArgumentError(
      `Must be 1 to ${MAX_RETENTION_DAYS}: raw data is not kept longer (privacy policy).`,
    );
  }
  return n;
}

function isoTime(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("Not an ISO 8601 time.");
  return date;
}
