import { afterAll } from "vitest";
import { ClickHouseStore } from "../../src/store/clickhouse-store.ts";
import { DuckDbStore } from "../../src/store/duckdb-store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  type ClickHouseCluster,
  clickHouseUnavailable,
  startClickHouseCluster,
} from "./clickhouse-cluster.ts";

/**
 * The stores the store test suite runs against: DuckDB in memory, and ClickHouse on a 2-shard
 * cluster started on first use (once per test file, stopped after it), each test in a new database.
 * Outside CI a machine without clickhouse-server skips the ClickHouse runs, saying why.
 */
export interface StoreFactory {
  name: string;
  /** Why this store cannot be tested here, or null. */
  skip: string | null;
  open(): Promise<Store>;
}

let cluster: Promise<ClickHouseCluster> | undefined;
let databases = 0;

// ClickHouse 18.16 takes up to 10 s to stop (the harness kills it then): more than a hook's default.
afterAll(async () => {
  const started = cluster;
  cluster = undefined;
  if (started !== undefined) await (await started).stop();
}, 30_000);

/** The cluster of this test file. */
export function testCluster(): Promise<ClickHouseCluster> {
  cluster ??= startClickHouseCluster(2);
  return cluster;
}

export async function openClickHouseStore(
  database = `pageviews_test_${++databases}`,
): Promise<ClickHouseStore> {
  const { shardUrls, cluster: name } = await testCluster();
  return ClickHouseStore.open({ url: shardUrls[0] ?? "", shardUrls, database, cluster: name });
}

export const STORE_FACTORIES: readonly StoreFactory[] = [
  { name: "DuckDbStore", skip: null, open: () => DuckDbStore.open(":memory:") },
  { name: "ClickHouseStore (2 shards)", skip: clickHouseUnavailable(), open: () => openClickHouseStore() },
];
