import { parse as parseYaml } from "yaml";
import { type ConfigLayer, isMapping, shown } from "./check.ts";
import { ENV_PREFIX, SETTINGS, SETTINGS_BY_ENV, type Setting } from "./settings.ts";
import { closestName } from "./suggest.ts";

/**
 * The flags of `pageviews serve` as commander parses them: under their attributes (`--input-host` is
 * `inputHost`), strings unless the command gave a parser, true for boolean flags, lists of strings for
 * repeatable flags, undefined when not given. Other options of the command are ignored.
 */
export interface ConfigFlags {
  dataDir?: string;
  host?: string;
  port?: string | number;
  rateLimit?: string | number;
  responseCache?: string | number;
  topPerCountryThreshold?: string | number;
  trustProxy?: boolean;
  logClientIp?: boolean;
  logLevel?: string;
  watch?: string;
  watchInclude?: readonly string[];
  watchExclude?: readonly string[];
  stdin?: boolean;
  ingestToken?: string;
  maxBodyMib?: string | number;
  format?: string;
  inputHost?: string;
  geoDb?: string;
  graceMinutes?: string | number;
  kafkaBrokers?: string;
  kafkaTopic?: string;
  kafkaGroup?: string;
  kafkaFromBeginning?: boolean;
  retentionDays?: string | number;
  purgeAt?: string;
  maxLagMinutes?: string | number;
  store?: string;
  storeUrl?: string;
  storeDatabase?: string;
  storeCluster?: string;
  storeShard?: readonly string[];
  storeMemory?: string | number;
}

/** The settings one source gives, and its name for messages. */
export interface SourceLayer {
  source: string;
  settings: ConfigLayer;
}

export type ParsedFile = { settings: ConfigLayer; problem?: never } | { settings?: never; problem: string };

/** A configuration file's settings, read by its extension: `.json`, or `.yaml`/`.yml`. */
export function parseConfigFile(name: string, text: string): ParsedFile {
  const extension = /\.(json|ya?ml)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === undefined)
    return { problem: `${name}: a configuration file must end in .json, .yaml or .yml` };
  const language = extension === "json" ? "JSON" : "YAML";
  let settings: unknown;
  try {
    // A YAML file of comments only is an empty configuration.
    settings = language === "JSON" ? JSON.parse(text) : (parseYaml(text) ?? {});
  } catch (error) {
    // YAML errors go on with an excerpt of the file; their first line says what and where.
    const firstLine = (error as Error).message.split("\n")[0]?.replace(/:$/, "");
    return { problem: `${name}: not valid ${language}: ${firstLine}` };
  }
  if (!isMapping(settings))
    return { problem: `${name}: must be a mapping of settings (got ${shown(settings)})` };
  return { settings };
}

/**
 * A string from the environment or a flag as the setting's type: numbers, booleans (`true`, `false`,
 * `1`, `0`), lists split at commas (the empty string being the empty list), and the empty string as
 * null where null is allowed. What does not convert stays a string, for the check to report.
 */
export function coerce(setting: Setting, value: unknown): unknown {
  if (typeof value !== "string") return value;
  switch (setting.schema.type) {
    case "integer": {
      const number = Number(value);
      return value.trim() !== "" && Number.isFinite(number) ? number : value;
    }
    case "boolean": {
      const lower = value.trim().toLowerCase();
      if (lower === "true" || lower === "1") return true;
      if (lower === "false" || lower === "0") return false;
      return value;
    }
    case "string":
      return value === "" && setting.schema.nullable ? null : value;
    case "array":
      // Spaces around a comma are for legibility; an item left empty stays, for the check to report.
      return value.trim() === "" ? [] : value.split(",").map((item) => item.trim());
  }
}

/** A setting's value put at its path in a nested layer. */
function setAt(layer: ConfigLayer, setting: Setting, value: unknown): void {
  let node = layer;
  for (const key of setting.keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as ConfigLayer;
  }
  node[setting.keys.at(-1) as string] = value;
}

/**
 * The settings given by `PAGEVIEWS_*` environment variables, one layer per variable so that a bad value
 * names its variable; an unknown `PAGEVIEWS_*` variable is a problem, since a typo must not pass silently.
 */
export function environmentLayers(env: NodeJS.ProcessEnv): {
  layers: SourceLayer[];
  problems: string[];
} {
  const layers: SourceLayer[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const setting = SETTINGS_BY_ENV.get(name);
    if (setting === undefined) {
      const suggestion = closestName(
        name.slice(ENV_PREFIX.length),
        [...SETTINGS_BY_ENV.keys()].map(unprefixed),
      );
      const hint = suggestion === null ? "" : ` (did you mean ${ENV_PREFIX}${suggestion}?)`;
      problems.push(`${name}: unknown setting${hint}`);
      continue;
    }
    const settings: ConfigLayer = {};
    setAt(settings, setting, coerce(setting, value));
    layers.push({ source: name, settings });
  }
  return { layers, problems };
}

function unprefixed(name: string): string {
  return name.slice(ENV_PREFIX.length);
}

/** The settings given by flags, one layer per flag so that a bad value names its flag. */
export function flagLayers(flags: ConfigFlags): SourceLayer[] {
  const layers: SourceLayer[] = [];
  for (const setting of SETTINGS) {
    if (setting.flag === null || setting.flagAttribute === null) continue;
    const value = (flags as Record<string, unknown>)[setting.flagAttribute];
    if (value === undefined) continue;
    const settings: ConfigLayer = {};
    setAt(settings, setting, coerce(setting, value));
    layers.push({ source: setting.flag, settings });
  }
  return layers;
}
