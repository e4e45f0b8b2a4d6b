import type { DuckDBConnection } from "@duckdb/node-api";

/** Commits what `work` did, or rolls it all back and rethrows. */
export async function inTransaction(connection: DuckDBConnection, work: () => Promise<void>): Promise<void> {
  await connection.run("BEGIN TRANSACTION");
  try {
    await work();
    await connection.run("COMMIT");
  } catch (error) {
    // A failed COMMIT has already ended the transaction, and then ROLLBACK fails too: the first error
    // is the one worth reporting.
    await connection.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
