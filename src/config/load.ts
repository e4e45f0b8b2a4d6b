import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { type EffectiveConfig, resolveConfig } from "./resolve.ts";
import type { PageviewsConfig } from "./schema.ts";
import type { ConfigFlags } from "./sources.ts";

/** The configuration files looked for in the current directory when none is given. */
export const CONFIG_FILE_NAMES = ["pageviews.config.json", "pageviews.config.yaml", "pageviews.config.yml"];

export interface LoadConfigOptions {
  /** The configuration file (`--config`); by default one of CONFIG_FILE_NAMES in `cwd`, if any. */
  file?: string;
  env: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
  /** Where a relative `file` is, and where the default files are looked for (default: process.cwd()). */
  cwd?: string;
}

/** The effective configuration (defaults < file < env < flags). Throws a ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions): PageviewsConfig {
  return loadEffectiveConfig(options).config;
}

/** The effective configuration with the source of each value. Throws a ConfigError listing every problem. */
export function loadEffectiveConfig(options: LoadConfigOptions): EffectiveConfig {
  const cwd = options.cwd ?? process.cwd();
  const name = options.file ?? defaultConfigFile(cwd);
  const file = name === null ? undefined : { name, text: readConfigFile(resolve(cwd, name), name) };
  return resolveConfig({ file, env: options.env, flags: options.flags });
}

function defaultConfigFile(cwd: string): string | null {
  const present = CONFIG_FILE_NAMES.filter((name) => existsSync(join(cwd, name)));
  if (present.length > 1) {
    throw new ConfigError([
      `${present.join(", ")}: more than one configuration file in ${cwd}; keep one, or choose one with --config`,
    ]);
  }
  return present[0] ?? null;
}

function readConfigFile(path: string, name: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ConfigError([
      `${name}: cannot read the configuration file: ${code === "ENOENT" ? "no such file" : message}`,
    ]);
  }
}
