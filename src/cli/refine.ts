import { Command, Option } from "commander";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { createRefiners } from "../refine/refine.ts";
import { RefinedJsonEncoder } from "../refine/refined-json.ts";
import { RefineSummary } from "../refine/summary.ts";
import { carriesXAnalytics, type InputFormat, openSource } from "../sources/index.ts";
import { LineWriter } from "./output.ts";

export interface InputOptions {
  format: InputFormat | "auto";
  host?: string;
  geoDb?: string;
}

/** The input options that `refine` and every later command reading raw logs share. */
export function addInputOptions(command: Command): Command {
  return command
    .argument("[inputs...]", "log files (plain or gzip); - for standard input", ["-"])
    .addOption(
      new Option("--format <format>", "input format")
        .choices(["auto", "webrequest", "combined", "vhost_combined"])
        .default("auto"),
    )
    .option("--host <host>", "uri_host for combined logs that carry no virtual host")
    .option("--geo-db <path>", "a MaxMind-format Country or City database instead of the bundled one");
}

export function refineCommand(): Command {
  return addInputOptions(new Command("refine"))
    .description(
      "Decide which requests are pageviews and write one NDJSON record per valid line, without personal data",
    )
    .option("--explain", "add the ids of the rules that decided each verdict")
    .action(async (inputs: string[], options: InputOptions & { explain?: boolean }) => {
      process.exitCode = await runRefine(inputs, options);
    });
}

/** Returns the exit status: 0, or 1 when an input could not be opened. */
async function runRefine(inputs: string[], options: InputOptions & { explain?: boolean }): Promise<number> {
  const refiners = createRefiners(loadRefineDependencies({ geoDatabase: options.geoDb }));
  const summary = new RefineSummary();
  const output = new LineWriter(process.stdout);
  const encoder = new RefinedJsonEncoder();
  let exitStatus = 0;
  for (const input of inputs) {
    let source: Awaited<ReturnType<typeof openSource>>;
    try {
      source = await openSource(input, { format: options.format, host: options.host });
    } catch (error) {
      process.stderr.write(`pageviews refine: ${(error as Error).message}\n`);
      exitStatus = 1;
      continue;
    }
    const { refine } = refiners(source.format !== null && carriesXAnalytics(source.format));
    for await (const batch of source.recordBatches()) {
      for (const item of batch) {
        if (item.kind === "malformed") {
          const where = `${source.name}:${item.lineNumber}`;
          process.stderr.write(`${where}: malformed line: ${item.reason}\n`);
          summary.addMalformed(item.reason, where);
          continue;
        }
        const { record, rules } = refine(item.request);
        summary.addRecord(record, rules);
        if (options.explain) output.write(JSON.stringify({ ...record, rules }));
        else output.writeEncoded(record, encoder);
      }
      await output.ready();
    }
  }
  await output.flush();
  process.stderr.write(summary.format());
  return exitStatus;
}
