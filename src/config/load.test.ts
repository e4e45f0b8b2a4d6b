import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { loadConfig, loadEffectiveConfig } from "./load.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pageviews-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses the defaults when there is no configuration file", () => {
    expect(loadConfig({ env: {}, cwd: dir }).server.port).toBe(8080);
  });

  it.each([
    ["pageviews.config.json", '{"server": {"port": 9001}}'],
    ["pageviews.config.yaml", "server:\n  port: 9001\n"],
    ["pageviews.config.yml", "server:\n  port: 9001\n"],
  ])("reads %s from the current directory", async (name, text) => {
    await writeFile(join(dir, name), text);
    const { config, sources } = loadEffectiveConfig({ env: {}, cwd: dir });
    expect(config.server.port).toBe(9001);
    expect(sources["server.port"]).toBe(name);
  });

  it("refuses two configuration files in the current directory", async () => {
    await writeFile(join(dir, "pageviews.config.json"), "{}");
    await writeFile(join(dir, "pageviews.config.yml"), "");
    expect(thrown(() => loadConfig({ env: {}, cwd: dir })).problems).toEqual([
      `pageviews.config.json, pageviews.config.yml: more than one configuration file in ${dir}; ` +
        "keep one, or choose one with --config",
    ]);
  });

  it("reads the file it is given, relative to the current directory, instead of the default one", async () => {
    await writeFile(join(dir, "pageviews.config.yaml"), "server:\n  port: 9001\n");
    await writeFile(join(dir, "staging.yaml"), "server:\n  port: 9002\n");
    const { config, sources } = loadEffectiveConfig({ file: "staging.yaml", env: {}, cwd: dir });
    expect(config.server.port).toBe(9002);
    expect(sources["server.port"]).toBe("staging.yaml");
  });

  it("names a given file that cannot be read", () => {
    expect(thrown(() => loadConfig({ file: "missing.yaml", env: {}, cwd: dir })).problems).toEqual([
      "missing.yaml: cannot read the configuration file: no such file",
    ]);
  });

  it("applies the environment and flags over the file", async () => {
    await writeFile(join(dir, "pageviews.config.yaml"), "dataDir: /srv/file\nserver:\n  port: 9001\n");
    const config = loadConfig({
      env: { PAGEVIEWS_DATA_DIR: "/srv/env", PAGEVIEWS_SERVER_PORT: "9003" },
      flags: { port: "9004" },
      cwd: dir,
    });
    expect(config.dataDir).toBe("/srv/env");
    expect(config.server.port).toBe(9004);
  });
});
