import { describe, expect, it } from "vitest";
import { SETTINGS } from "./settings.ts";
import { coerce, environmentLayers, flagLayers, parseConfigFile } from "./sources.ts";

const setting = (path: string) => {
  const found = SETTINGS.find((s) => s.path === path);
  if (found === undefined) throw new Error(`no setting ${path}`);
  return found;
};

describe("coerce", () => {
  it("reads numbers for integer settings, and leaves what is not one for the check to report", () => {
    expect(coerce(setting("server.port"), "9000")).toBe(9000);
    expect(coerce(setting("server.port"), "-1")).toBe(-1);
    expect(coerce(setting("server.port"), "80a")).toBe("80a");
    expect(coerce(setting("server.port"), "")).toBe("");
  });

  it("reads true/false/1/0 for boolean settings", () => {
    const trustProxy = setting("server.trustProxy");
    expect(["true", "TRUE", "1", "false", "0", "yes"].map((value) => coerce(trustProxy, value))).toEqual([
      true,
      true,
      true,
      false,
      false,
      "yes",
    ]);
  });

  it("reads an empty string as null where null is allowed", () => {
    expect(coerce(setting("ingest.token"), "")).toBeNull();
    expect(coerce(setting("dataDir"), "")).toBe("");
  });

  it("reads a comma-separated list for list settings, spaces around commas ignored", () => {
    const exclude = setting("ingest.watchExclude");
    expect(coerce(exclude, "*.gz")).toEqual(["*.gz"]);
    expect(coerce(exclude, "*.gz, *.tmp ,x")).toEqual(["*.gz", "*.tmp", "x"]);
  });

  it("reads an empty string as the empty list, and keeps an empty item for the check to report", () => {
    const exclude = setting("ingest.watchExclude");
    expect(coerce(exclude, "")).toEqual([]);
    expect(coerce(exclude, "*.gz,")).toEqual(["*.gz", ""]);
  });

  it("leaves values that are not strings as they are", () => {
    expect(coerce(setting("server.port"), 9000)).toBe(9000);
    expect(coerce(setting("server.trustProxy"), true)).toBe(true);
    expect(coerce(setting("ingest.watchInclude"), ["a,b"])).toEqual(["a,b"]);
  });
});

describe("parseConfigFile", () => {
  it("reads JSON and YAML by the file's extension", () => {
    expect(parseConfigFile("a.json", '{"server": {"port": 9000}}')).toEqual({
      settings: { server: { port: 9000 } },
    });
    expect(parseConfigFile("a.yaml", "server:\n  port: 9000\n")).toEqual({
      settings: { server: { port: 9000 } },
    });
    expect(parseConfigFile("a.YML", "server: {port: 9000}")).toEqual({
      settings: { server: { port: 9000 } },
    });
  });

  it("reads lists in YAML, block or flow, and in JSON", () => {
    const settings = {
      settings: { ingest: { watchInclude: ["access.log*"], watchExclude: ["*.gz", "*.tmp"] } },
    };
    expect(
      parseConfigFile(
        "a.yaml",
        'ingest:\n  watchInclude:\n    - access.log*\n  watchExclude: ["*.gz", "*.tmp"]\n',
      ),
    ).toEqual(settings);
    expect(
      parseConfigFile(
        "a.json",
        '{"ingest": {"watchInclude": ["access.log*"], "watchExclude": ["*.gz", "*.tmp"]}}',
      ),
    ).toEqual(settings);
  });

  it("reads a YAML file of comments only as no settings", () => {
    expect(parseConfigFile("a.yaml", "# nothing yet\n")).toEqual({ settings: {} });
  });

  it("reads a time of day as a string, not as sexagesimal minutes", () => {
    expect(parseConfigFile("a.yaml", "retention:\n  purgeAt: 04:30\n")).toEqual({
      settings: { retention: { purgeAt: "04:30" } },
    });
  });

  it("names the file, the language and the place of a syntax error", () => {
    expect(parseConfigFile("a.json", '{"server": }').problem).toMatch(/^a\.json: not valid JSON: .+/);
    expect(parseConfigFile("a.yaml", "server:\n  port: 1\n  port: 2\n").problem).toMatch(
      /^a\.yaml: not valid YAML: .*unique.* at line 3, column 3$/,
    );
  });

  it("refuses a file that is not a mapping of settings", () => {
    expect(parseConfigFile("a.yaml", "- port\n").problem).toBe(
      'a.yaml: must be a mapping of settings (got ["port"])',
    );
    expect(parseConfigFile("a.json", "null").problem).toBe(
      "a.json: must be a mapping of settings (got null)",
    );
  });

  it("refuses a file of another kind", () => {
    expect(parseConfigFile("pageviews.toml", "").problem).toBe(
      "pageviews.toml: a configuration file must end in .json, .yaml or .yml",
    );
  });
});

describe("environmentLayers", () => {
  it("reads PAGEVIEWS_* variables into the settings, coerced, one layer per variable", () => {
    const { layers, problems } = environmentLayers({
      HOME: "/root",
      PAGEVIEWS_SERVER_PORT: "9000",
      PAGEVIEWS_DATA_DIR: "/srv/data",
    });
    expect(problems).toEqual([]);
    expect(layers).toEqual([
      { source: "PAGEVIEWS_DATA_DIR", settings: { dataDir: "/srv/data" } },
      { source: "PAGEVIEWS_SERVER_PORT", settings: { server: { port: 9000 } } },
    ]);
  });

  it("reads list variables as comma-separated lists", () => {
    expect(
      environmentLayers({
        PAGEVIEWS_INGEST_WATCH_INCLUDE: "access.log*",
        PAGEVIEWS_INGEST_WATCH_EXCLUDE: "*.gz,*.tmp",
      }),
    ).toEqual({
      problems: [],
      layers: [
        {
          source: "PAGEVIEWS_INGEST_WATCH_EXCLUDE",
          settings: { ingest: { watchExclude: ["*.gz", "*.tmp"] } },
        },
        { source: "PAGEVIEWS_INGEST_WATCH_INCLUDE", settings: { ingest: { watchInclude: ["access.log*"] } } },
      ],
    });
  });

  it("reports every unknown PAGEVIEWS_* variable, with the one probably meant", () => {
    const { layers, problems } = environmentLayers({
      PAGEVIEWS_SERVER_PROT: "9000",
      PAGEVIEWS_COLOUR: "blue",
    });
    expect(layers).toEqual([]);
    expect(problems).toEqual([
      "PAGEVIEWS_COLOUR: unknown setting",
      "PAGEVIEWS_SERVER_PROT: unknown setting (did you mean PAGEVIEWS_SERVER_PORT?)",
    ]);
  });
});

describe("flagLayers", () => {
  it("reads the flags commander parsed, by attribute, and ignores other options and absent flags", () => {
    const options = {
      port: "9000",
      inputHost: "example.org",
      trustProxy: true,
      config: "x.yaml",
      wait: true,
      host: undefined,
    };
    expect(flagLayers(options)).toEqual([
      { source: "--port", settings: { server: { port: 9000 } } },
      { source: "--trust-proxy", settings: { server: { trustProxy: true } } },
      { source: "--input-host", settings: { ingest: { host: "example.org" } } },
    ]);
  });

  it("takes the values of a repeated flag as its list, commas and all", () => {
    expect(flagLayers({ watchInclude: ["access.log", "a,b.log"], watchExclude: ["*.gz"] })).toEqual([
      { source: "--watch-include", settings: { ingest: { watchInclude: ["access.log", "a,b.log"] } } },
      { source: "--watch-exclude", settings: { ingest: { watchExclude: ["*.gz"] } } },
    ]);
  });

  it("takes the repeated --store-shard as the list of shards", () => {
    expect(flagLayers({ store: "clickhouse", storeShard: ["http://ch1:8123", "http://ch2:8123"] })).toEqual([
      { source: "--store", settings: { store: { kind: "clickhouse" } } },
      { source: "--store-shard", settings: { store: { shards: ["http://ch1:8123", "http://ch2:8123"] } } },
    ]);
  });

  it("takes values commander already parsed as they are", () => {
    expect(flagLayers({ port: 9000, retentionDays: 30 })).toEqual([
      { source: "--port", settings: { server: { port: 9000 } } },
      { source: "--retention-days", settings: { retention: { days: 30 } } },
    ]);
  });
});
