import { Ajv, type ErrorObject } from "ajv";
import {
  BROKER_PATTERN,
  CONFIG_SCHEMA,
  DEFAULT_CONFIG,
  HTTP_URL_PATTERN,
  type PageviewsConfig,
  type SettingSchema,
  TIME_OF_DAY_PATTERN,
} from "./schema.ts";
import { SETTINGS, type SettingPath, schemaAt } from "./settings.ts";
import { closestName } from "./suggest.ts";

const validateConfig = new Ajv({ allErrors: true, strict: true }).compile(CONFIG_SCHEMA);

export type ConfigLayer = Record<string, unknown>;

export function isMapping(value: unknown): value is ConfigLayer {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at `keys` in nested mappings, or undefined. */
export function valueAt(node: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((parent, key) => (isMapping(parent) ? parent[key] : undefined), node);
}

/**
 * `top`'s values over `base`'s, mappings merged key by key. Built with Object.fromEntries, so that a
 * `__proto__` key of a parsed file stays an (unknown) key instead of replacing a prototype.
 */
export function overlay(base: unknown, top: unknown): unknown {
  if (top === undefined) return base;
  if (!isMapping(base) || !isMapping(top)) return top;
  const keys = new Set([...Object.keys(base), ...Object.keys(top)]);
  return Object.fromEntries([...keys].map((key) => [key, overlay(base[key], top[key])]));
}

/**
 * What is wrong with the settings one source gives, each problem prefixed by the source's name. The
 * source is checked laid over the defaults, so that a bad value is reported even when a source of
 * higher precedence overrides it.
 */
export function checkLayer(source: string, settings: ConfigLayer): string[] {
  const candidate = overlay(DEFAULT_CONFIG, settings);
  if (validateConfig(candidate)) return [];
  const problems = new Map<string, string>();
  for (const error of validateConfig.errors ?? []) {
    const keys = settingKeys(error.instancePath.split("/").slice(1).map(unescapePointer));
    const problem = describe(error, keys, candidate);
    // One problem per key: a value can break several rules of its schema at once.
    if (!problems.has(problem.key)) problems.set(problem.key, `${source}: ${problem.text}`);
  }
  return [...problems.values()];
}

/** The keys of the setting an error is in: a bad item of a list is reported as its list. */
function settingKeys(keys: string[]): string[] {
  const setting = SETTINGS.find(
    (s) => s.keys.length < keys.length && s.keys.every((key, i) => keys[i] === key),
  );
  return setting === undefined ? keys : keys.slice(0, setting.keys.length);
}

function describe(error: ErrorObject, keys: string[], candidate: unknown): { key: string; text: string } {
  if (error.keyword === "additionalProperties") {
    const unknown = [...keys, String(error.params.additionalProperty)];
    const key = unknown.join(".");
    const siblings = Object.keys((schemaAt(keys) as { properties: object }).properties);
    const suggestion = closestName(unknown.at(-1) as string, siblings);
    const hint = suggestion === null ? "" : ` (did you mean ${[...keys, suggestion].join(".")}?)`;
    return { key, text: `${key}: unknown key${hint}` };
  }
  const key = keys.join(".");
  const schema = schemaAt(keys);
  const value = valueAt(candidate, keys);
  const expected =
    schema === null || schema.type === "object" ? "a mapping of settings" : expectation(schema);
  const reason = SETTINGS.find((setting) => setting.path === key)?.limitReason;
  return { key, text: `${key} must be ${expected} (got ${shown(value)})${reason ? `: ${reason}` : ""}` };
}

/** What a setting accepts, in words: "an integer from 0 to 65535". */
export function expectation(schema: SettingSchema): string {
  const orNull = schema.nullable ? ", or null" : "";
  if (schema.enum) return `one of ${schema.enum.filter((value) => value !== null).join(", ")}${orNull}`;
  if (schema.pattern === TIME_OF_DAY_PATTERN) return `a UTC time of day as HH:MM${orNull}`;
  if (schema.pattern === HTTP_URL_PATTERN) return `an http:// or https:// URL${orNull}`;
  switch (schema.type) {
    case "boolean":
      return `true or false${orNull}`;
    case "string":
      return `a non-empty string${orNull}`;
    case "array": {
      const list = schema.minItems ? "a non-empty list" : "a list";
      const items =
        schema.items?.pattern === HTTP_URL_PATTERN
          ? "http:// or https:// URLs"
          : schema.items?.pattern === BROKER_PATTERN
            ? "brokers as host:port"
            : 'file name patterns (non-empty, without "/")';
      return `${list} of ${items}${orNull}`;
    }
    case "integer": {
      const { minimum, maximum } = schema;
      if (minimum !== undefined && maximum !== undefined)
        return `an integer from ${minimum} to ${maximum}${orNull}`;
      if (minimum !== undefined) return `an integer of at least ${minimum}${orNull}`;
      return `an integer${orNull}`;
    }
  }
}

/**
 * What is wrong with the merged configuration as a whole: settings that are each valid but do not go
 * together. Each problem is prefixed by the source of the setting that asks for the others.
 */
export function checkCombination(config: PageviewsConfig, sources: Record<SettingPath, string>): string[] {
  return [...checkStore(config, sources), ...checkKafka(config, sources)];
}

function checkStore({ store }: PageviewsConfig, sources: Record<SettingPath, string>): string[] {
  if (store.kind !== "clickhouse") return [];
  const missing = [
    ...(store.url === null ? ["store.url"] : []),
    ...(store.cluster === null ? ["store.cluster"] : []),
    ...(store.shards.length === 0 ? ["store.shards"] : []),
  ];
  if (missing.length === 0) return [];
  return [
    `${sources["store.kind"]}: store.kind clickhouse needs store.url, store.cluster and store.shards ` +
      `(one URL per shard); not set: ${missing.join(", ")}`,
  ];
}

function checkKafka({ kafka }: PageviewsConfig, sources: Record<SettingPath, string>): string[] {
  if (kafka.saslMechanism === null) return [];
  const missing = [
    ...(kafka.saslUsername === null ? ["kafka.saslUsername"] : []),
    ...(kafka.saslPassword === null ? ["kafka.saslPassword"] : []),
  ];
  if (missing.length === 0) return [];
  return [
    `${sources["kafka.saslMechanism"]}: kafka.saslMechanism ${kafka.saslMechanism} needs ` +
      `kafka.saslUsername and kafka.saslPassword; not set: ${missing.join(", ")}`,
  ];
}

function unescapePointer(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** A value as JSON, cut short. */
export function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
