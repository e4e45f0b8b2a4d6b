import { Command } from "commander";
import { version } from "./version.ts";

/**
 * Each command's module, in the order help lists them. They are imported on demand: most pull in a
 * store, a server or the refine data files, and loading them all took half a second before any
 * command could start.
 */
const commands: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ["refine", async () => (await import("./refine.ts")).refineCommand()],
  ["ingest", async () => (await import("./ingest.ts")).ingestCommand()],
  ["worker", async () => (await import("./ingest.ts")).workerCommand()],
  ["purge", async () => (await import("./purge.ts")).purgeCommand()],
  ["serve", async () => (await import("./serve.ts")).serveCommand()],
  ["config", async () => (await import("./config.ts")).configCommand()],
  ["dumps", async () => (await import("./dumps.ts")).dumpsCommand()],
  ["generate", async () => (await import("./generate.ts")).generateCommand()],
  ["demo", async () => (await import("./demo.ts")).demoCommand()],
]);

/**
 * The program for `argv` (as in `process.argv`): with only the named command when the first argument
 * names one, otherwise with every command, for help, the version and suggestions on a mistyped name.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command("pageviews")
    .description("Pageview analytics: raw request logs in, Wikimedia-compatible pageview statistics out")
    .version(version);
  const named = commands.get(argv[2] ?? "");
  for (const load of named ? [named] : commands.values()) program.addCommand(await load());
  return program;
}
