import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parse } from "yaml";
import type { UapParser, UapRegexes } from "../definition/user-agent.ts";

const PARSER_LISTS = ["user_agent_parsers", "os_parsers", "device_parsers"] as const;

/** The `regexes.yaml` of the installed uap-core package. */
export function defaultUapRegexesPath(): string {
  return createRequire(import.meta.url).resolve("uap-core/regexes.yaml");
}

/**
 * Reads a uap-core `regexes.yaml` (the installed uap-core by default; pass a path to pin another
 * version, as Wikimedia's `ua.parser.regex.yaml.path` does) and checks its shape.
 */
export function loadUapRegexes(path: string = defaultUapRegexesPath()): UapRegexes {
  const document: unknown = parse(readFileSync(path, "utf8"));
  if (!isRecord(document)) throw new Error(`${path}: not a uap-core regexes file`);
  const lists = PARSER_LISTS.map((name) => parserList(document[name], `${path}: ${name}`));
  const [user_agent_parsers, os_parsers, device_parsers] = lists as [UapParser[], UapParser[], UapParser[]];
  return { user_agent_parsers, os_parsers, device_parsers };
}

function parserList(value: unknown, where: string): UapParser[] {
  if (!Array.isArray(value)) throw new Error(`${where} is missing or not a list`);
  return value.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.regex !== "string") {
      throw new Error(`${where}[${index}] has no regex`);
    }
    // YAML reads unquoted replacements such as `v1_replacement: 8` as numbers; uap-core means text.
    const parser: Record<string, string> = {};
    for (const [key, field] of Object.entries(entry)) {
      if (typeof field !== "string" && typeof field !== "number") {
        throw new Error(`${where}[${index}].${key} is not text`);
      }
      parser[key] = String(field);
    }
    return parser as unknown as UapParser;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
