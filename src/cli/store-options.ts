import { type Command, Option } from "commander";
import { STORE_KINDS } from "../config/schema.ts";
import type { ConfigFlags } from "../config/sources.ts";

/** The flags that choose the store; like every flag of a configuration setting, without a default. */
export type StoreFlags = Pick<
  ConfigFlags,
  "store" | "storeUrl" | "storeDatabase" | "storeCluster" | "storeShard" | "storeMemory"
>;

export function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--store <kind>", "where processed data is stored (default: duckdb)").choices(STORE_KINDS),
    )
    .option("--store-url <url>", "clickhouse: HTTP URL of the server that takes reads and inserts")
    .option("--store-database <name>", "clickhouse: the database (default: pageviews)")
    .option("--store-cluster <name>", "clickhouse: the cluster, as named in the servers' remote_servers")
    .option(
      "--store-shard <url>",
      "clickhouse: HTTP URL of one server of a shard; one per shard, repeatable",
      collect,
    )
    .option(
      "--store-memory <MiB>",
      "duckdb: memory it may use; sorts and joins spill to disk beyond it (default: 256)",
    );
}

/** A repeatable flag's values in order. No default: an absent flag leaves the setting to the file or env. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function storeFlagsOf(flags: StoreFlags): StoreFlags {
  const { store, storeUrl, storeDatabase, storeCluster, storeShard, storeMemory } = flags;
  return { store, storeUrl, storeDatabase, storeCluster, storeShard, storeMemory };
}
