import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { storePath } from "../store/data-dir.ts";
import { DuckDbStore } from "../store/duckdb-store.ts";
import { day, dumpsCommand } from "./dumps.ts";

describe("day", () => {
  it("takes YYYY-MM-DD and YYYYMMDD", () => {
    expect(day("2024-02-29")).toBe("20240229");
    expect(day("20240101")).toBe("20240101");
  });

  it("refuses dates that do not exist", () => {
    for (const value of ["2023-02-29", "2024-13-01", "yesterday", "2024010"]) {
      expect(() => day(value), value).toThrow(InvalidArgumentError);
    }
  });
});

describe("pageviews dumps import, then export", () => {
  const work = mkdtempSync(join(tmpdir(), "pageviews-dumps-cli-"));
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("imports a projectviews file, reports it, and exports the hour again byte for byte", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const input = join(work, "projectviews-20240101-010000");
    writeFileSync(input, "de.m - 7 0\nen - 12 0\nwww.wd - 3 0\n");
    const dataDir = join(work, "data");
    await dumpsCommand().parseAsync(["import", "--data-dir", dataDir, input], { from: "user" });
    expect(stderr.mock.calls.map(([text]) => String(text)).join("")).toMatch(
      /projectviews-20240101-010000: 3 lines\n/,
    );

    const out = join(work, "out");
    await dumpsCommand().parseAsync(
      ["export", "--data-dir", dataDir, "--from", "2024-01-01", "--to", "2024-01-01", "--out", out],
      {
        from: "user",
      },
    );
    expect(readFileSync(join(out, "pageviews/2024/2024-01/projectviews-20240101-010000"), "utf8")).toBe(
      "de.m - 7 0\nen - 12 0\nwww.wd - 3 0\n",
    );
    const store = await DuckDbStore.open(storePath(dataDir), { readOnly: true });
    expect(
      await store.aggregate({
        project: "all-projects",
        access: "all-access",
        agent: "user",
        granularity: "daily",
        from: "2024010100",
        to: "2024010100",
      }),
    ).toEqual([{ timestamp: "2024010100", views: 22 }]);
    await store.close();
  });
});
