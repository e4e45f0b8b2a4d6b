import type { PageviewsConfig } from "../config/schema.ts";
import { ClickHouseStore } from "../store/clickhouse-store.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import type { Store } from "../store/store.ts";

/**
 * The store the configuration selects: DuckDB in the data directory, or a ClickHouse cluster. Either
 * way the raw zone, the secret key and the audit log stay in the data directory.
 */
export async function openStore(config: Pick<PageviewsConfig, "dataDir" | "store">): Promise<Store> {
  const { kind, url, database, cluster, shards, memoryMiB } = config.store;
  if (kind === "duckdb") return DuckDbStore.open(storePath(config.dataDir), { memoryMiB });
  // The configuration check refuses a clickhouse store without them; this guards other callers.
  if (url === null || cluster === null || shards.length === 0)
    throw new Error("a clickhouse store needs store.url, store.cluster and store.shards");
  return ClickHouseStore.open({ url, database, cluster, shardUrls: shards });
}
