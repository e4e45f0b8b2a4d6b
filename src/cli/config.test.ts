import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runPageviews } from "../../test/support/pageviews-cli.ts";
import { ConfigError } from "../config/config-error.ts";
import { configCommand } from "./config.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pageviews-config-cli-"));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `pageviews config …` in this process and returns what it wrote to standard output. */
async function configCli(...args: string[]): Promise<string> {
  const stdout: string[] = [];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  try {
    await configCommand()
      .configureOutput({ writeOut: (s) => stdout.push(s) })
      .parseAsync(args, { from: "user" });
    return stdout.join("");
  } finally {
    out.mockRestore();
  }
}

describe("pageviews config", () => {
  it("prints the effective configuration with where each value comes from, the token hidden", async () => {
    const file = join(dir, "site.yaml");
    await writeFile(file, "server:\n  host: 0.0.0.0\ningest:\n  token: s3cret\n");
    vi.stubEnv("PAGEVIEWS_SERVER_PORT", "9000");
    const printed = await configCli("--print", "--config", file);
    expect(printed).toMatch(/^ {2}port: 9000 +# PAGEVIEWS_SERVER_PORT$/m);
    expect(printed).toMatch(new RegExp(`^ {2}host: 0\\.0\\.0\\.0 +# ${file.replaceAll(".", "\\.")}$`, "m"));
    expect(printed).toMatch(/^ {2}token: "\*\*\*" +# /m);
    expect(printed).not.toContain("s3cret");
  });

  it("refuses a bad configuration with every problem", async () => {
    const file = join(dir, "site.json");
    await writeFile(file, '{"server": {"prot": 9000}}');
    vi.stubEnv("PAGEVIEWS_RETENTION_DAYS", "365");
    const failure = configCli("--print", "--config", file);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toMatchObject({
      problems: [
        `${file}: server.prot: unknown key (did you mean server.port?)`,
        expect.stringMatching(
          /^PAGEVIEWS_RETENTION_DAYS: retention\.days must be an integer from 1 to 90 \(got 365\)/,
        ),
      ],
    });
  });

  it("prints its help without --print", async () => {
    const help = await configCli();
    expect(help).toMatch(/^Usage: config \[options\]/);
    expect(help).toContain("--print");
    expect(help).toContain("--config <file>");
  });
});

// Runs the real program: passes once `config` is registered in src/cli/program.ts.
describe("the pageviews config command", () => {
  it("prints the configuration, and exits 1 naming each problem", async () => {
    const file = join(dir, "pageviews.config.yaml");
    await writeFile(file, "retention:\n  days: 30\n");
    const printed = runPageviews(["config", "--print", "--config", file]);
    expect(printed.stderr).toBe("");
    expect(printed.status).toBe(0);
    expect(printed.stdout).toMatch(/^ {2}days: 30 +# .*pageviews\.config\.yaml$/m);

    vi.stubEnv("PAGEVIEWS_SERVER_PROT", "9000");
    const refused = runPageviews(["config", "--print", "--config", file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      "pageviews: invalid configuration:\n" +
        "  PAGEVIEWS_SERVER_PROT: unknown setting (did you mean PAGEVIEWS_SERVER_PORT?)\n",
    );
  });
});
