import { Command } from "commander";
import { loadEffectiveConfig } from "../config/load.ts";
import { formatEffectiveConfig } from "../config/print.ts";

/** `--config <file>`: the configuration file of a command that reads one (`serve`, `config`). */
export function addConfigOption(command: Command): Command {
  return command.option(
    "--config <file>",
    "configuration file, .json, .yaml or .yml (default: pageviews.config.json, .yaml or .yml in the current directory)",
  );
}

export function configCommand(): Command {
  return addConfigOption(new Command("config"))
    .description(
      "Show the configuration pageviews serve uses: defaults, overridden by the configuration file, " +
        "overridden by PAGEVIEWS_* environment variables (and, for serve, by its flags)",
    )
    .option("--print", "print the effective configuration as YAML, with where each value comes from")
    .action((options: { print?: boolean; config?: string }, command: Command) => {
      if (!options.print) {
        command.outputHelp();
        return;
      }
      process.stdout.write(
        formatEffectiveConfig(loadEffectiveConfig({ file: options.config, env: process.env })),
      );
    });
}
