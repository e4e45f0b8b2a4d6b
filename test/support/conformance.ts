import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Wikimedia's published test data, copied unchanged from the refinery repositories. */
export const conformanceDir = fileURLToPath(new URL("../conformance/wikimedia/", import.meta.url));

export function conformancePath(name: string): string {
  return conformanceDir + name;
}

/**
 * Reads a test CSV the way JUnitParams' CsvWithHeaderMapper does (spec section 10): skip the first
 * line, split on `,` or `|` unless escaped with a backslash, drop the escaping backslash, trim fields.
 */
export function readConformanceCsv(name: string): string[][] {
  const lines = readFileSync(conformancePath(name), "utf8").split(/\r?\n/);
  return lines
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map(splitJUnitParamsLine);
}

export function splitJUnitParamsLine(line: string): string[] {
  const fields: string[] = [];
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "\\" && (line[i + 1] === "," || line[i + 1] === "|")) {
      current += line[i + 1];
      i++;
    } else if (ch === "," || ch === "|") {
      fields.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  fields.push(current.trim());
  return fields;
}

/** Reads a tab-separated file, skipping `#` comment lines and the header line. */
export function readConformanceTsv(name: string, { header = true } = {}): string[][] {
  const rows = readFileSync(conformancePath(name), "utf8")
    .split(/\r?\n/)
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split("\t"));
  return header ? rows.slice(1) : rows;
}
