import { stringify } from "yaml";
import { valueAt } from "./check.ts";
import type { EffectiveConfig } from "./resolve.ts";
import { SETTINGS } from "./settings.ts";

const HIDDEN = "***";

/**
 * The effective configuration as YAML, each value followed by the source it comes from as a comment
 * (`port: 9000  # PAGEVIEWS_SERVER_PORT`), secrets (and passwords in URLs) shown as "***". Without secrets set, it reads back as
 * the same configuration.
 */
export function formatEffectiveConfig({ config, sources }: EffectiveConfig): string {
  const lines: { text: string; source: string | null }[] = [];
  let group: string | null = null;
  for (const setting of SETTINGS) {
    const [first, leaf] = setting.keys as [string, string?];
    if (leaf !== undefined && first !== group) lines.push({ text: `${first}:`, source: null });
    group = leaf === undefined ? null : first;
    const value = valueAt(config, setting.keys);
    const shown = setting.secret && value !== null ? HIDDEN : withoutPasswords(value);
    const indent = leaf === undefined ? "" : "  ";
    lines.push({ text: `${indent}${leaf ?? first}: ${oneLine(shown)}`, source: sources[setting.path] });
  }
  const column = Math.max(...lines.map((line) => line.text.length)) + 2;
  const body = lines.map(({ text, source }) =>
    source === null ? text : `${text.padEnd(column)}# ${source}`,
  );
  return `${[
    "# The effective configuration, and where each value comes from:",
    "# default < configuration file < PAGEVIEWS_* environment variables < flags.",
    ...body,
  ].join("\n")}\n`;
}

/** A password in a URL (`http://user:pass@host`, a store's address) is a secret too. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i;

function withoutPasswords(value: unknown): unknown {
  if (typeof value === "string") return value.replace(URL_PASSWORD, `$1:${HIDDEN}@`);
  return Array.isArray(value) ? value.map(withoutPasswords) : value;
}

/**
 * A value on one line: a scalar quoted only where YAML needs it, a list in flow style (`["*.gz", x]`),
 * however long, so that the source comment can follow it.
 */
function oneLine(value: unknown): string {
  return stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}
