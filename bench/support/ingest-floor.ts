/**
 * The floor under `pageviews ingest`: only the steps every line must go through, with the ingest's own
 * code for each, and nothing else (no refining, actor signatures, labels, counting or store): reads
 * the input, parses each line, finds exact duplicates per hour by SHA-1 (Wikimedia's DISTINCT), and
 * lands the lines in per-hour raw segments. Prints lines and CPU seconds as JSON, for
 * bench/ingest.bench.ts.
 *
 *   tsx bench/support/ingest-floor.ts INPUT DATA_DIR
 */
import { hash } from "node:crypto";
import { hourOf } from "../../src/hours.ts";
import { openSource } from "../../src/sources/index.ts";
import { RawZone, type SegmentWriter } from "../../src/store/raw-zone.ts";

const [input, dataDir] = process.argv.slice(2);
if (input === undefined || dataDir === undefined) throw new Error("usage: ingest-floor.ts INPUT DATA_DIR");

const rawZone = new RawZone(dataDir);
const hours = new Map<string, { writer: SegmentWriter; seen: Set<string>; unwritten: string[] }>();
const source = await openSource(input, { format: "webrequest" });
let lines = 0;
let distinct = 0;
for await (const batch of source.recordBatches()) {
  for (const item of batch) {
    lines++;
    if (item.kind !== "request") continue;
    const hour = hourOf(item.request.dt);
    let open = hours.get(hour);
    if (open === undefined) {
      open = {
        writer: await rawZone.openSegment(hour, "webrequest", undefined),
        seen: new Set(),
        unwritten: [],
      };
      hours.set(hour, open);
    }
    open.unwritten.push(item.raw);
    const key = hash("sha1", item.raw, "base64");
    if (open.seen.has(key)) continue;
    open.seen.add(key);
    distinct++;
  }
  for (const open of hours.values()) {
    if (open.unwritten.length === 0) continue;
    const more = open.writer.write(open.unwritten);
    open.unwritten = [];
    if (!more) await open.writer.drained();
  }
}
for (const open of hours.values()) await open.writer.finish();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ lines, distinct, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
