import { mkdir } from "node:fs/promises";
import { Command, Option } from "commander";
import { type IngestProgress, type IngestReport, ingest } from "../pipeline/ingest.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { formatCounts } from "../refine/summary.ts";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { lockDataDir } from "../store/lock.ts";
import { RawZone } from "../store/raw-zone.ts";
import { loadSecretKey } from "../store/secret-key.ts";
import { progressDisplay } from "./progress.ts";
import { addInputOptions, type InputOptions } from "./refine.ts";

export function ingestCommand(): Command {
  return addInputOptions(new Command("ingest"))
    .description(
      "Land raw logs, refine them, label automated agents, and update the hourly pageviews and serving tables",
    )
    .addOption(new Option("--data-dir <dir>", "data directory").default("./data"))
    .option("--wait", "wait for another process writing to the data directory instead of refusing")
    .action(async (inputs: string[], options: InputOptions & { dataDir: string; wait?: boolean }) => {
      await mkdir(options.dataDir, { recursive: true });
      const lock = await lockDataDir(options.dataDir, { wait: options.wait });
      const store = await DuckDbStore.open(storePath(options.dataDir));
      const display = progressDisplay();
      try {
        const report = await ingest(
          inputs,
          { format: options.format, host: options.host },
          {
            store,
            rawZone: new RawZone(options.dataDir),
            refineDependencies: loadRefineDependencies({ geoDatabase: options.geoDb }),
            secretKey: await loadSecretKey(options.dataDir),
            onProgress: (progress) => display.update(...describeProgress(progress)),
          },
        );
        display.stop();
        process.stderr.write(formatIngestReport(report));
      } finally {
        display.stop();
        await store.close();
        await lock.release();
      }
    });
}

export function describeProgress(progress: IngestProgress): [number | null, string] {
  if (progress.phase === "processing") {
    return [
      progress.hoursToProcess === 0 ? 1 : progress.hoursProcessed / progress.hoursToProcess,
      `processing hours: ${progress.hoursProcessed}/${progress.hoursToProcess}`,
    ];
  }
  const mib = (progress.bytesRead / 2 ** 20).toFixed(1);
  return [
    progress.bytesTotal ? progress.bytesRead / progress.bytesTotal : null,
    `reading: ${progress.linesRead.toLocaleString("en-US")} lines, ${mib} MiB`,
  ];
}

export function formatIngestReport(report: IngestReport): string {
  const rate = report.seconds > 0 ? Math.round(report.linesRead / report.seconds) : 0;
  const lines = [
    `lines read: ${report.linesRead}  (${rate.toLocaleString("en-US")} lines/s, ${report.seconds.toFixed(2)} s)`,
    `malformed lines: ${report.malformed.total}`,
    ...report.malformed.formatLines(),
    `pageviews by agent type:${formatCounts(report.pageviewsByAgent, " none")}`,
    `automated pageviews by reason:${formatCounts(report.automatedByReason, " none")}`,
    `hours updated: ${report.hoursUpdated.length}${formatHours(report.hoursUpdated)}`,
    `peak memory (RSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  ];
  return `${lines.join("\n")}\n`;
}

function formatHours(hours: readonly string[]): string {
  if (hours.length === 0) return "";
  const first = hours[0] as string;
  const last = hours[hours.length - 1] as string;
  return hours.length === 1 ? ` (${first})` : ` (${first} … ${last})`;
}
