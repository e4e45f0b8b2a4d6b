import { checkCombination, checkLayer, overlay, valueAt } from "./check.ts";
import { ConfigError } from "./config-error.ts";
import { DEFAULT_CONFIG, type PageviewsConfig } from "./schema.ts";
import { SETTINGS, type SettingPath } from "./settings.ts";
import {
  type ConfigFlags,
  environmentLayers,
  flagLayers,
  parseConfigFile,
  type SourceLayer,
} from "./sources.ts";

const DEFAULT_SOURCE = "default";

export interface ConfigInputs {
  /** A configuration file's name (as shown in messages) and text. */
  file?: { name: string; text: string };
  env: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
}

export interface EffectiveConfig {
  config: PageviewsConfig;
  /** Where each value comes from: `default`, the file's name, a `PAGEVIEWS_*` variable or a flag. */
  sources: Record<SettingPath, string>;
}

/**
 * The configuration that defaults < file < environment < flags make, in that order of precedence.
 * Throws a ConfigError listing every problem of every source.
 */
export function resolveConfig(inputs: ConfigInputs): EffectiveConfig {
  const layers: SourceLayer[] = [];
  const problems: string[] = [];
  const addLayers = (added: readonly SourceLayer[]) => {
    layers.push(...added);
    for (const layer of added) problems.push(...checkLayer(layer.source, layer.settings));
  };
  if (inputs.file !== undefined) {
    const { name, text } = inputs.file;
    const parsed = parseConfigFile(name, text);
    if (parsed.problem === undefined) addLayers([{ source: name, settings: parsed.settings }]);
    else problems.push(parsed.problem);
  }
  const environment = environmentLayers(inputs.env);
  problems.push(...environment.problems);
  addLayers(environment.layers);
  addLayers(flagLayers(inputs.flags ?? {}));
  if (problems.length > 0) throw new ConfigError(problems);

  const config = layers.reduce<unknown>(
    (merged, layer) => overlay(merged, layer.settings),
    structuredClone(DEFAULT_CONFIG),
  ) as PageviewsConfig;
  const sources = sourcesOf(layers);
  const combination = checkCombination(config, sources);
  if (combination.length > 0) throw new ConfigError(combination);
  return { config, sources };
}

/** For each setting, the last layer that gives it a value. */
function sourcesOf(layers: readonly SourceLayer[]): Record<SettingPath, string> {
  const sources = {} as Record<SettingPath, string>;
  for (const setting of SETTINGS) {
    const layer = layers.findLast(({ settings }) => valueAt(settings, setting.keys) !== undefined);
    sources[setting.path] = layer?.source ?? DEFAULT_SOURCE;
  }
  return sources;
}
