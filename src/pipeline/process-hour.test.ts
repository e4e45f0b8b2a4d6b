import { describe, expect, it } from "vitest";
import { formatWebrequest, generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import type { PageviewHourlyRow } from "../store/store.ts";
import { ipHasher } from "./ingest.ts";
import { createHourProcessor, type HourOutcome, type SegmentLines } from "./process-hour.ts";

const HOUR = "2026011509";
const lines = [
  ...generateRequests({ seed: 5, start: new Date("2026-01-15T09:00:00Z"), hours: 1, lines: 3_000 }),
].map(formatWebrequest);
const processor = createHourProcessor({
  refineDependencies: loadRefineDependencies(),
  hashIp: ipHasher(Buffer.alloc(32, 3)),
  store: { actorMetrics: async () => [] },
  definitionVersion: "test",
});

function processSegments(segments: readonly (readonly string[])[]): Promise<HourOutcome> {
  return processor.process(
    HOUR,
    (async function* (): AsyncIterable<SegmentLines> {
      for (const segment of segments) yield { format: "webrequest", host: undefined, lines: segment };
    })(),
  );
}

const views = (rows: readonly PageviewHourlyRow[]) => rows.reduce((sum, row) => sum + row.views, 0);

describe("processing an hour", () => {
  it("drops exact-duplicate lines, within a segment and across segments, as Wikimedia's DISTINCT does", async () => {
    const once = await processSegments([lines]);
    const repeated = await processSegments([
      lines.slice(0, 2_000),
      [...lines.slice(1_000, 2_500), ...lines.slice(1_000, 1_100)],
      lines.slice(2_000),
    ]);
    expect(once.processed.report.distinctLines).toBe(lines.length);
    expect(repeated.processed.report).toMatchObject({ rawLines: 4_600, distinctLines: lines.length });
    expect(views(repeated.processed.pageviews)).toBe(views(once.processed.pageviews));
    expect(repeated.processed.pageviews).toEqual(once.processed.pageviews);
  });

  it("counts a line that differs by one byte as a line of its own", async () => {
    const line = lines[0] ?? "";
    // The same request as JSON, written with one more space: another raw row.
    const spaced = `{ ${line.slice(1)}`;
    const outcome = await processSegments([[line, spaced, line]]);
    expect(outcome.processed.report).toMatchObject({ rawLines: 3, distinctLines: 2, malformedLines: 0 });
  });
});
