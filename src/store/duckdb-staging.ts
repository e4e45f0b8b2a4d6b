import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";

/**
 * Replaces the content of a temporary table with what `fill` appends, through DuckDB's appender (the
 * fastest path). Writes stage their rows this way, outside the transaction that then moves them with
 * set-based statements; a failure leaves nothing half-appended.
 */
export async function restage(
  connection: DuckDBConnection,
  table: string,
  fill: (appender: DuckDBAppender) => void | Promise<void>,
): Promise<void> {
  await connection.run(`TRUNCATE ${table}`);
  const appender = await connection.createAppender(table, "main", "temp");
  try {
    await fill(appender);
    appender.flushSync();
  } catch (error) {
    appender.clear();
    throw error;
  } finally {
    appender.closeSync();
  }
}

/** {@link restage} with one appended row per item of `rows`. */
export function stage<T>(
  connection: DuckDBConnection,
  table: string,
  rows: readonly T[],
  append: (appender: DuckDBAppender, row: T) => void,
): Promise<void> {
  return restage(connection, table, (appender) => {
    for (const row of rows) {
      append(appender, row);
      appender.endRow();
    }
  });
}
