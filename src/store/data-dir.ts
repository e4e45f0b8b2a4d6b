import { join } from "node:path";

/** The store file of a data directory (see docs/operations.md for the whole layout). */
export const STORE_FILE = "pageviews.duckdb";

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILE);
}
