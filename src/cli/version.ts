import { readFileSync } from "node:fs";

/** The package's version, shown by `--version` and in the API's OpenAPI document. */
export const { version } = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as {
  version: string;
};
