import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import {
  createApiServer,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RESPONSE_CACHE_MIB,
  DEFAULT_TOP_PER_COUNTRY_THRESHOLD,
} from "../api/server.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { version } from "./version.ts";

interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  rateLimit: number;
  topPerCountryThreshold: number;
  responseCache: number;
  trustProxy?: boolean;
  logClientIp?: boolean;
  logLevel: string;
}

export function serveCommand(): Command {
  return new Command("serve")
    .description(
      "Serve the Pageview API (Wikimedia's routes, at /api/rest_v1/metrics/...) from a data directory",
    )
    .option("--data-dir <dir>", "data directory", "./data")
    .option("--port <n>", "TCP port", port, 8080)
    .option("--host <address>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option(
      "--rate-limit <n>",
      "requests per second per client before answering 429 (0: no limit)",
      count,
      DEFAULT_RATE_LIMIT,
    )
    .option(
      "--top-per-country-threshold <n>",
      "top-per-country lists only articles with more user views than this in the country that day",
      count,
      DEFAULT_TOP_PER_COUNTRY_THRESHOLD,
    )
    .option(
      "--response-cache <MiB>",
      "memory for answers kept to serve again until the next hour is processed (0: none)",
      count,
      DEFAULT_RESPONSE_CACHE_MIB,
    )
    .option("--trust-proxy", "take client addresses from X-Forwarded-For (behind a reverse proxy)")
    .option("--log-client-ip", "include client addresses in request logs (personal data: off by default)")
    .option("--log-level <level>", "request log level: fatal, error, warn, info, debug or silent", "info")
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

async function serve(options: ServeOptions): Promise<void> {
  const path = storePath(options.dataDir);
  if (!existsSync(path)) {
    // An empty store answers "no data" until something is ingested, rather than failing to start.
    await mkdir(options.dataDir, { recursive: true });
    await (await DuckDbStore.open(path)).close();
  }
  // Read-only: any number of servers can share the store; an ingest waits for them to stop.
  const store = await DuckDbStore.open(path, { readOnly: true });
  const app = await createApiServer({
    store,
    version,
    rateLimit: options.rateLimit,
    topPerCountryThreshold: options.topPerCountryThreshold,
    responseCacheMiB: options.responseCache,
    trustProxy: options.trustProxy,
    logClientIp: options.logClientIp,
    logger: { level: options.logLevel },
  });
  const stop = async () => {
    await app.close();
    await store.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const address = await app.listen({ port: options.port, host: options.host });
    process.stderr.write(
      `Pageview API: ${address}/api/rest_v1/metrics/pageviews/  (docs: ${address}/api/rest_v1/?doc)\n`,
    );
  } catch (error) {
    await store.close();
    throw error;
  }
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
