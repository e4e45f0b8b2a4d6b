import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allRules, currentDefinition, definitions } from "./index.ts";

const doc = readFileSync(new URL("../../docs/definition.md", import.meta.url), "utf8");

describe("the versioned definition", () => {
  it("gives every rule a unique id, a summary and a reason", () => {
    const rules = allRules(currentDefinition);
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.reason.length).toBeGreaterThan(10);
    }
  });

  it("is listed by its version", () => {
    expect(definitions.get(currentDefinition.version)).toBe(currentDefinition);
  });

  it("is documented rule for rule, under its version, in docs/definition.md", () => {
    expect(doc.split("\n", 1)[0]).toBe(`# The pageview definition, version ${currentDefinition.version}`);
    const documented = [...doc.matchAll(/^#{3,5} Rule `([^`]+)`/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual(
      allRules(currentDefinition)
        .map((rule) => rule.id)
        .sort(),
    );
  });

  it("has a changelog entry for its version", () => {
    expect(doc).toMatch(
      new RegExp(
        `^## Changelog[\\s\\S]*^- \\*\\*${currentDefinition.version.replace(".", "\\.")}\\*\\*`,
        "m",
      ),
    );
  });
});
