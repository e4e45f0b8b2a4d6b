import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { generateCommand } from "./generate.ts";

const dir = mkdtempSync(join(tmpdir(), "pageviews-generate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<void> {
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await generateCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
      .parseAsync(args, { from: "user" });
  } finally {
    stderr.mockRestore();
  }
}

describe("pageviews generate", () => {
  it("writes the requested number of webrequest lines in the window to a file", async () => {
    const out = join(dir, "hour.json");
    await run(
      "--start",
      "2026-07-12T14:00:00Z",
      "--hours",
      "2",
      "--lines",
      "500",
      "--seed",
      "3",
      "--out",
      out,
    );
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(500);
    const times = lines.map((line) => Date.parse(JSON.parse(line).dt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse("2026-07-12T14:00:00Z"));
    expect(Math.max(...times)).toBeLessThan(Date.parse("2026-07-12T16:00:00Z"));
  });

  it("gives identical files for identical options", async () => {
    const args = ["--start", "2026-07-12T14:00:00Z", "--lines", "300", "--format", "combined"];
    await run(...args, "--out", join(dir, "a.log"));
    await run(...args, "--out", join(dir, "b.log"));
    await run(...args, "--seed", "2", "--out", join(dir, "c.log"));
    const a = readFileSync(join(dir, "a.log"));
    expect(a.equals(readFileSync(join(dir, "b.log")))).toBe(true);
    expect(a.equals(readFileSync(join(dir, "c.log")))).toBe(false);
    expect(a.toString("utf8").split("\n")[0]).toMatch(/^\S+ - - \[12\/Jul\/2026:14:\d\d:\d\d \+0000\] "GET /);
  });

  it("gzips a file whose name ends in .gz, and on --gzip", async () => {
    const args = ["--start", "2026-07-12T14:00:00Z", "--lines", "200"];
    await run(...args, "--out", join(dir, "plain.json"));
    await run(...args, "--out", join(dir, "named.json.gz"));
    await run(...args, "--gzip", "--out", join(dir, "flagged.json"));
    const plain = readFileSync(join(dir, "plain.json"));
    expect(gunzipSync(readFileSync(join(dir, "named.json.gz"))).equals(plain)).toBe(true);
    expect(gunzipSync(readFileSync(join(dir, "flagged.json"))).equals(plain)).toBe(true);
  });

  it("defaults to the last complete hour", async () => {
    const out = join(dir, "recent.json");
    await run("--lines", "50", "--out", out);
    const thisHour = new Date();
    thisHour.setUTCMinutes(0, 0, 0);
    const times = readFileSync(out, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => Date.parse(JSON.parse(line).dt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(thisHour.getTime() - 3_600_000 * 2);
    expect(Math.max(...times)).toBeLessThan(thisHour.getTime() + 3_600_000);
  });

  it("rejects --rate with --lines, and invalid numbers and dates", async () => {
    await expect(run("--rate", "5", "--lines", "5", "--out", join(dir, "x"))).rejects.toThrow(
      /cannot be used/,
    );
    await expect(run("--hours", "0")).rejects.toThrow(/at least 1/);
    await expect(run("--lines", "many")).rejects.toThrow(/integer/);
    await expect(run("--start", "yesterday")).rejects.toThrow(/ISO 8601/);
    await expect(run("--format", "csv")).rejects.toThrow(/csv/);
  });

  it("documents its options", () => {
    const help = generateCommand().helpInformation();
    for (const option of [
      "--format",
      "--seed",
      "--start",
      "--hours",
      "--rate",
      "--lines",
      "--out",
      "--gzip",
    ]) {
      expect(help).toContain(option);
    }
  });
});
