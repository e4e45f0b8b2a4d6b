import { Command } from "commander";
import { configCommand } from "./config.ts";
import { demoCommand } from "./demo.ts";
import { dumpsCommand } from "./dumps.ts";
import { generateCommand } from "./generate.ts";
import { ingestCommand, workerCommand } from "./ingest.ts";
import { purgeCommand } from "./purge.ts";
import { refineCommand } from "./refine.ts";
import { serveCommand } from "./serve.ts";
import { version } from "./version.ts";

export function buildProgram(): Command {
  return new Command("pageviews")
    .description("Pageview analytics: raw request logs in, Wikimedia-compatible pageview statistics out")
    .version(version)
    .addCommand(refineCommand())
    .addCommand(ingestCommand())
    .addCommand(workerCommand())
    .addCommand(purgeCommand())
    .addCommand(serveCommand())
    .addCommand(configCommand())
    .addCommand(dumpsCommand())
    .addCommand(generateCommand())
    .addCommand(demoCommand());
}
