import { DuckDBInstance } from "@duckdb/node-api";
import { storePath } from "../../src/store/data-dir.ts";

/** Every row of pageview_hourly, sorted, as text: two stores hold the same data iff these are equal. */
export async function dumpPageviewHourly(dataDir: string): Promise<string> {
  const instance = await DuckDBInstance.create(storePath(dataDir), { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll("SELECT * FROM pageview_hourly ORDER BY ALL");
    return result
      .getRows()
      .map((row) => row.map(String).join("\t"))
      .join("\n");
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
