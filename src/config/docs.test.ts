import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { valueAt } from "./check.ts";
import { resolveConfig } from "./resolve.ts";
import { DEFAULT_CONFIG } from "./schema.ts";
import { SETTINGS } from "./settings.ts";

const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");

/** The cells of the settings table's row for `key`. */
function row(key: string): string[] {
  const line = doc.split("\n").find((l) => l.startsWith(`| \`${key}\` `));
  return line === undefined ? [] : line.split(/ (?<!\\)\| /).map((cell) => cell.replace(/^\| /, "").trim());
}

function codeBlocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (m) => m[1] as string,
  );
}

/** A default as the table shows it: a list as a JSON array (`["*"]`), anything else as text. */
function shownDefault(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

describe("docs/configuration.md", () => {
  it.each(SETTINGS.map((setting) => [setting.path, setting] as const))(
    "documents %s with its environment variable, flag and default",
    (path, setting) => {
      const [, env, flag, defaultValue] = row(path);
      expect(env).toBe(`\`${setting.env}\``);
      expect(flag).toBe(setting.flag === null ? "—" : `\`${setting.flag}\``);
      expect(defaultValue).toBe(`\`${shownDefault(valueAt(DEFAULT_CONFIG, setting.keys))}\``);
    },
  );

  it("gives examples that load", () => {
    const examples = [
      ...codeBlocks("yaml").map((text) => ({ name: "example.yaml", text })),
      ...codeBlocks("json").map((text) => ({ name: "example.json", text })),
    ];
    expect(examples).toHaveLength(3);
    for (const file of examples) expect(() => resolveConfig({ file, env: {} })).not.toThrow();
  });
});
