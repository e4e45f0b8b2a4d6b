import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * A throw-away ClickHouse cluster for tests: two `clickhouse-server` processes on loopback ports, each
 * one shard of the cluster `pageviews` (one replica each), with configs and data under a temp dir.
 * Small on purpose (2 threads, 64 MB caches): the machine is shared.
 */

export const TEST_CLUSTER = "pageviews";

export interface ClickHouseCluster {
  /** HTTP URL of each server, in shard order; the first also serves as the cluster's entry point. */
  shardUrls: string[];
  cluster: string;
  stop(): Promise<void>;
}

/** How the server is started: Debian's 18.16 ships `clickhouse-server`, current releases `clickhouse server`. */
interface ServerCommand {
  file: string;
  args: string[];
}

/** The `pageviews` flags that select this cluster as the store, with `database`. */
export function clickHouseStoreFlags({ shardUrls, cluster }: ClickHouseCluster, database: string): string[] {
  return [
    "--store",
    "clickhouse",
    "--store-url",
    shardUrls[0] ?? "",
    "--store-cluster",
    cluster,
    "--store-database",
    database,
    ...shardUrls.flatMap((url) => ["--store-shard", url]),
  ];
}

/** Finds the server binary: `$CLICKHOUSE_SERVER`, then `clickhouse-server`, then `clickhouse server`. */
export function findClickHouseServer(): ServerCommand | null {
  const explicit = process.env.CLICKHOUSE_SERVER;
  if (explicit) return { file: explicit, args: [] };
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  for (const [name, args] of [
    ["clickhouse-server", []],
    ["clickhouse", ["server"]],
  ] as const) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return { file, args: [...args] };
      } catch {}
    }
  }
  return null;
}

/**
 * Why ClickHouse tests cannot run here, or null when they can. In CI (`CI=true`) a missing server is
 * an error, never a skip.
 */
export function clickHouseUnavailable(): string | null {
  if (findClickHouseServer() !== null) return null;
  const message =
    "clickhouse-server is not installed (apt-get install -y clickhouse-server, or set CLICKHOUSE_SERVER)";
  if (process.env.CI === "true") throw new Error(`${message}: the ClickHouse store tests must run in CI.`);
  return message;
}

export async function startClickHouseCluster(shards = 2): Promise<ClickHouseCluster> {
  const command = findClickHouseServer();
  if (command === null) throw new Error("clickhouse-server not found");
  const dir = await mkdtemp(join(tmpdir(), "pageviews-clickhouse-"));
  const ports = await Promise.all(
    Array.from({ length: shards }, async () => ({ http: await freePort(), tcp: await freePort() })),
  );
  const processes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries()) {
      const home = join(dir, `shard-${i + 1}`);
      await mkdir(join(home, "data"), { recursive: true });
      await writeFile(join(home, "users.xml"), USERS_XML);
      await writeFile(join(home, "config.xml"), serverConfig(home, port, ports));
      const child = spawn(command.file, [...command.args, `--config-file=${join(home, "config.xml")}`], {
        cwd: home,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.once("exit", (code) => {
        if (code !== 0 && code !== null) stderr += `\n(exited with ${code})`;
      });
      processes.push(child);
      await waitUntilReady(`http://127.0.0.1:${port.http}`, child, () => stderr, join(home, "err.log"));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    shardUrls: ports.map((port) => `http://127.0.0.1:${port.http}`),
    cluster: TEST_CLUSTER,
    stop,
  };
}

/** `<yandex>` is read by 18.16 and by current releases (which also accept `<clickhouse>`). */
function serverConfig(
  home: string,
  own: { http: number; tcp: number },
  all: readonly { http: number; tcp: number }[],
): string {
  const shards = all
    .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port.tcp}</port></replica></shard>`)
    .join("\n      ");
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${home}/server.log</log>
    <errorlog>${home}/err.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${own.http}</http_port>
  <tcp_port>${own.tcp}</tcp_port>
  <path>${home}/data/</path>
  <tmp_path>${home}/tmp/</tmp_path>
  <user_files_path>${home}/user_files/</user_files_path>
  <format_schema_path>${home}/format_schemas/</format_schema_path>
  <users_config>${home}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_concurrent_queries>16</max_concurrent_queries>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <remote_servers>
    <${TEST_CLUSTER}>
      ${shards}
    </${TEST_CLUSTER}>
  </remote_servers>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_threads>2</max_threads>
      <max_memory_usage>1000000000</max_memory_usage>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default></default>
  </quotas>
</yandex>
`;

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  errorLog: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const response = await fetch(`${url}/?query=SELECT%201`);
      if (response.ok && (await response.text()).trim() === "1") return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await readFile(errorLog, "utf8").catch(() => "");
  throw new Error(`clickhouse-server at ${url} did not start:\n${stderr()}\n${log.slice(-4000)}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}
