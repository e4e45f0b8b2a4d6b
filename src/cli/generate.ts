import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_RATE, type TrafficFormat, writeTraffic } from "../generate/traffic.ts";

export interface GenerateOptions {
  format: TrafficFormat;
  seed: number;
  start?: Date;
  hours: number;
  rate?: number;
  lines?: number;
  out: string;
  gzip?: boolean;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || value.trim() === "") throw new InvalidArgumentError("Not an integer.");
  return n;
}

function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError("Must be at least 1.");
  return n;
}

function count(value: string): number {
  const n = integer(value);
  if (n < 0) throw new InvalidArgumentError("Must not be negative.");
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === "") {
    throw new InvalidArgumentError("Not a non-negative number.");
  }
  return n;
}

function timestamp(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("Not an ISO 8601 date or time.");
  return date;
}

/** The start of the current UTC hour, minus `hours`: the last complete hours. */
function recentHours(hours: number, now = new Date()): Date {
  const start = new Date(now);
  start.setUTCMinutes(0, 0, 0);
  start.setUTCHours(start.getUTCHours() - hours);
  return start;
}

export function generateCommand(): Command {
  return new Command("generate")
    .description(
      "Write realistic synthetic raw web-request logs: readers, crawlers and bots on seven Wikimedia wikis. " +
        "The same options always give the same bytes.",
    )
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["webrequest", "combined"])
        .default("webrequest"),
    )
    .option("--seed <n>", "random seed", integer, 1)
    .option(
      "--start <iso>",
      "start of the first hour (UTC); default: the current hour minus --hours",
      timestamp,
    )
    .option("--hours <n>", "number of hours", positiveInteger, 1)
    .addOption(
      new Option(
        "--rate <req/s>",
        `average requests per second, following the daily curve (default ${DEFAULT_RATE})`,
      )
        .argParser(rate)
        .conflicts("lines"),
    )
    .option("--lines <n>", "exact number of lines, spread over the hours by the daily curve", count)
    .option("--out <file>", "output file, - for standard output; a name ending in .gz is gzipped", "-")
    .option("--gzip", "gzip the output")
    .action(async (options: GenerateOptions) => {
      await runGenerate(options);
    });
}

async function runGenerate(options: GenerateOptions): Promise<void> {
  const toStdout = options.out === "-";
  const traffic = {
    format: options.format,
    seed: options.seed,
    start: options.start ?? recentHours(options.hours),
    hours: options.hours,
    lines: options.lines,
    rate: options.rate,
    gzip: options.gzip === true || (!toStdout && options.out.endsWith(".gz")),
  };
  if (toStdout) {
    await writeTraffic(traffic, process.stdout);
    return;
  }
  const file = createWriteStream(options.out);
  try {
    const { lines, bytes } = await writeTraffic(traffic, file);
    file.end();
    await finished(file);
    process.stderr.write(
      `pageviews generate: wrote ${lines} lines (${bytes} bytes uncompressed) to ${options.out}\n`,
    );
  } catch (error) {
    file.destroy();
    throw error;
  }
}
