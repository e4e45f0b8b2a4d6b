import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { unlessMissing } from "../missing-file.ts";
import { syncDirectory } from "./durable-fs.ts";
import type { ShardSpec } from "./store.ts";

const HOUR = /^\d{10}$/;

/**
 * Hours an ingest must process again from the raw zone before it ends: their automated labels read
 * the actor metrics of an earlier hour that it stores anew. They are recorded, durably, before that
 * hour is stored, and forgotten once the run has dealt with them, so a run killed in between leaves
 * them to the next. The file sits in the raw zone's root, one per shard worker.
 */
export class PendingHours {
  readonly #dir: string;
  readonly #path: string;

  constructor(rawRoot: string, shard?: ShardSpec) {
    this.#dir = rawRoot;
    const tag = shard === undefined ? "" : `~${shard.index}of${shard.count}`;
    this.#path = join(rawRoot, `.pending-hours${tag}`);
  }

  async read(): Promise<Set<string>> {
    const text = (await unlessMissing(readFile(this.#path, "utf8"))) ?? "";
    return new Set(text.split("\n").filter((line) => HOUR.test(line)));
  }

  /** Replaces the recorded hours; durable when it returns. */
  async write(hours: ReadonlySet<string>): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const temporary = `${this.#path}.tmp`;
    const file = await open(temporary, "w");
    try {
      await file.writeFile(`${[...hours].sort().join("\n")}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.#path);
    await syncDirectory(this.#dir);
  }

  async clear(): Promise<void> {
    await rm(this.#path, { force: true });
  }
}
