import { readFileSync } from "node:fs";
import { Command } from "commander";
import { demoCommand } from "./demo.ts";
import { generateCommand } from "./generate.ts";
import { ingestCommand } from "./ingest.ts";
import { purgeCommand } from "./purge.ts";
import { refineCommand } from "./refine.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  return new Command("pageviews")
    .description("Pageview analytics: raw request logs in, Wikimedia-compatible pageview statistics out")
    .version(version)
    .addCommand(refineCommand())
    .addCommand(ingestCommand())
    .addCommand(purgeCommand())
    .addCommand(generateCommand())
    .addCommand(demoCommand());
}
