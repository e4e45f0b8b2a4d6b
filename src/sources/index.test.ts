import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  carriesXAnalytics,
  type InputSource,
  openSource,
  type SourceOptions,
  type SourceRecord,
  UNRECOGNISED_FORMAT,
} from "./index.ts";

const webrequestLine = (path: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    dt: "2024-05-01T10:11:12Z",
    ip: "198.51.100.7",
    uri_host: "en.wikipedia.org",
    uri_path: path,
    uri_query: "",
    http_status: "200",
    content_type: "text/html; charset=UTF-8",
    user_agent: "Mozilla/5.0 Firefox/125.0",
    ...extra,
  });
const combinedLine = (path: string) =>
  `203.0.113.9 - - [01/May/2024:12:11:12 +0200] "GET ${path} HTTP/1.1" 200 512 "-" "Mozilla/5.0 Firefox/125.0"`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pageviews-sources-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(source: InputSource): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return records;
}

async function readFile(path: string, options: SourceOptions): Promise<SourceRecord[]> {
  return readAll(await openSource(path, options));
}

/** Line number → what became of it: the request's uri_path, or the malformed reason. */
function outcomes(records: SourceRecord[]): Record<number, string> {
  return Object.fromEntries(
    records.map((record) => [
      record.lineNumber,
      record.kind === "request" ? record.request.uri_path : `malformed: ${record.reason}`,
    ]),
  );
}

describe("openSource", () => {
  it("reads webrequest JSON lines, keeping each raw line and its number", async () => {
    const lines = [webrequestLine("/wiki/A"), webrequestLine("/wiki/B", { http_status: 304 })];
    const path = await fixture("webrequest.json", `${lines.join("\n")}\n`);
    const source = await openSource(path, { format: "webrequest" });
    const records = await readAll(source);
    expect(records).toMatchObject([
      { kind: "request", lineNumber: 1, raw: lines[0], request: { uri_path: "/wiki/A", http_status: "200" } },
      { kind: "request", lineNumber: 2, raw: lines[1], request: { uri_path: "/wiki/B", http_status: "304" } },
    ]);
    expect(source.name).toBe(path);
    expect(source.format).toBe("webrequest");
    const size = Buffer.byteLength(`${lines.join("\n")}\n`);
    expect(source.sizeBytes).toBe(size);
    expect(source.bytesRead()).toBe(size);
  });

  it("decompresses gzip files recognised by content, whatever their name", async () => {
    const content = `${webrequestLine("/wiki/Gz")}\n${webrequestLine("/wiki/Gz2")}\n`;
    for (const name of ["webrequest.json.gz", "webrequest-gzipped.log"]) {
      const path = await fixture(name, gzipSync(content));
      const source = await openSource(path, { format: "auto" });
      expect(outcomes(await readAll(source))).toEqual({ 1: "/wiki/Gz", 2: "/wiki/Gz2" });
      expect(source.format).toBe("webrequest");
      expect(source.bytesRead()).toBe(source.sizeBytes);
    }
  });

  it("reads combined logs with the host given, and vhost_combined logs with their own", async () => {
    const combined = await fixture("access.log", `${combinedLine("/wiki/C")}\n`);
    expect(await readFile(combined, { format: "combined", host: "en.wikipedia.org" })).toMatchObject([
      {
        kind: "request",
        lineNumber: 1,
        request: {
          uri_host: "en.wikipedia.org",
          dt: "2024-05-01T10:11:12Z",
          content_type: "text/html; charset=utf-8",
        },
      },
    ]);
    expect(await readFile(combined, { format: "combined" })).toEqual([
      { kind: "malformed", lineNumber: 1, reason: "no host: use --host" },
    ]);
    const vhost = await fixture(
      "vhost.log.gz",
      gzipSync(`de.wikipedia.org:443 ${combinedLine("/wiki/V")}\n`),
    );
    expect(await readFile(vhost, { format: "vhost_combined" })).toMatchObject([
      { kind: "request", request: { uri_host: "de.wikipedia.org", uri_path: "/wiki/V" } },
    ]);
  });

  it("detects the format of each file from its first lines", async () => {
    const cases = [
      ["detect-webrequest.json", webrequestLine("/wiki/W"), "webrequest"],
      ["detect-combined.log", combinedLine("/wiki/C"), "combined"],
      ["detect-vhost.log", `en.wikipedia.org:80 ${combinedLine("/wiki/V")}`, "vhost_combined"],
    ] as const;
    for (const [name, line, format] of cases) {
      const source = await openSource(await fixture(name, `\n${line}\n${line}\n`), {
        format: "auto",
        host: "x.org",
      });
      expect(source.format).toBe(format);
      expect(Object.keys(outcomes(await readAll(source)))).toEqual(["2", "3"]);
    }
  });

  it("says which formats carry X-Analytics", () => {
    expect(carriesXAnalytics("webrequest")).toBe(true);
    expect(carriesXAnalytics("combined")).toBe(false);
    expect(carriesXAnalytics("vhost_combined")).toBe(false);
  });

  it("detects the format past a malformed first line and still reports that line", async () => {
    const path = await fixture("detect-past-garbage.json", `garbage\n${webrequestLine("/wiki/A")}\n`);
    const source = await openSource(path, { format: "auto" });
    expect(source.format).toBe("webrequest");
    expect(outcomes(await readAll(source))).toEqual({
      1: expect.stringMatching(/^malformed: invalid JSON/),
      2: "/wiki/A",
    });
  });

  it("reports every line of an unrecognised format as malformed instead of failing", async () => {
    const path = await fixture("unknown.txt", "hello\n\nworld\n");
    const source = await openSource(path, { format: "auto" });
    expect(source.format).toBeNull();
    expect(await readAll(source)).toEqual([
      { kind: "malformed", lineNumber: 1, reason: UNRECOGNISED_FORMAT },
      { kind: "malformed", lineNumber: 3, reason: UNRECOGNISED_FORMAT },
    ]);
    expect(UNRECOGNISED_FORMAT).toContain("--format");
  });

  it("reports each malformed line with its reason and line number, and reads on", async () => {
    const { dt: _dt, ...noDt } = JSON.parse(webrequestLine("/x")) as Record<string, unknown>;
    const lines = [
      webrequestLine("/wiki/1"),
      "{not json",
      "[]",
      JSON.stringify(noDt),
      webrequestLine("/wiki/5", { uri_query: 7 }),
      webrequestLine("/wiki/6", { dt: "01/05/2024 10:11" }),
      "",
      "",
    ];
    const content = Buffer.concat([
      Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8"),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0d, 0x0a]),
      Buffer.from(`${webrequestLine("/wiki/10")}\r\n`),
    ]);
    const records = await readFile(await fixture("mixed.json", content), { format: "webrequest" });
    expect(outcomes(records)).toEqual({
      1: "/wiki/1",
      2: expect.stringMatching(/^malformed: invalid JSON: /),
      3: "malformed: expected a JSON object, got an array",
      4: 'malformed: missing required field "dt"',
      5: 'malformed: field "uri_query" must be a string, got the number 7',
      6: 'malformed: field "dt" is not an ISO 8601 time with a time zone: "01/05/2024 10:11"',
      9: "malformed: invalid UTF-8",
      10: "/wiki/10",
    });
    expect(records.find((record) => record.lineNumber === 10)).toMatchObject({
      raw: webrequestLine("/wiki/10"),
    });
  });

  it("skips a 10 MB line with the length-limit reason and parses the lines after it", async () => {
    const tenMegabytes = 10 * 1024 * 1024;
    const longLine = webrequestLine(`/wiki/${"x".repeat(tenMegabytes)}`);
    const content = `${webrequestLine("/wiki/before")}\n${longLine}\n${webrequestLine("/wiki/after")}\n`;
    const records = await readFile(await fixture("long-line.json", content), { format: "auto" });
    expect(outcomes(records)).toEqual({
      1: "/wiki/before",
      2: `malformed: line is ${Buffer.byteLength(longLine)} bytes, longer than the 1048576-byte line limit`,
      3: "/wiki/after",
    });
  });

  it("applies a smaller line limit when asked", async () => {
    const path = await fixture("small-limit.json", `${webrequestLine("/wiki/A")}\n`);
    const records = await readFile(path, { format: "webrequest", maxLineBytes: 64 });
    expect(records).toEqual([
      {
        kind: "malformed",
        lineNumber: 1,
        reason: expect.stringContaining("longer than the 64-byte line limit"),
      },
    ]);
    await expect(openSource(path, { format: "webrequest", maxLineBytes: 0 })).rejects.toThrow(/maxLineBytes/);
  });

  it("reports a truncated gzip file on its last record, after the lines that could be read", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      webrequestLine(`/wiki/Page_${i}_${(i * 7919) % 10007}`),
    );
    const compressed = gzipSync(`${lines.join("\n")}\n`);
    const path = await fixture(
      "truncated.json.gz",
      compressed.subarray(0, Math.floor(compressed.length * 0.8)),
    );
    const records = await readFile(path, { format: "webrequest" });
    const last = records.at(-1);
    const complete = records.slice(0, -1);
    expect(complete.length).toBeGreaterThan(1000);
    expect(
      complete.every((record, index) => record.kind === "request" && record.lineNumber === index + 1),
    ).toBe(true);
    expect(last).toEqual({
      kind: "malformed",
      lineNumber: complete.length + 1,
      reason: "gzip stream is truncated (unexpected end of file); the input ends here",
    });
  });

  it("rejects a file that does not exist, or a directory, with an error naming it", async () => {
    const missing = join(dir, "no-such-file.json");
    await expect(openSource(missing, { format: "auto" })).rejects.toThrow(
      `Cannot open input file "${missing}": no such file`,
    );
    const directory = join(dir, "a-directory");
    await mkdir(directory);
    await expect(openSource(directory, { format: "auto" })).rejects.toThrow(
      `Cannot open input file "${directory}": it is a directory`,
    );
  });

  it("reads '-' from the stdin stream it is given, plain or gzip", async () => {
    const content = `${webrequestLine("/wiki/In")}\n`;
    for (const bytes of [Buffer.from(content), gzipSync(content)]) {
      const source = await openSource("-", { format: "auto" }, { stdin: () => Readable.from([bytes]) });
      expect(source.name).toBe("<stdin>");
      expect(source.sizeBytes).toBeNull();
      expect(outcomes(await readAll(source))).toEqual({ 1: "/wiki/In" });
      expect(source.bytesRead()).toBe(bytes.length);
    }
  });

  it("reads '-' from the process's real stdin", async () => {
    const indexUrl = new URL("./index.ts", import.meta.url).href;
    const script = `
      import { openSource } from ${JSON.stringify(indexUrl)};
      const source = await openSource("-", { format: "auto", host: "en.wikipedia.org" });
      for await (const record of source.records()) console.log(JSON.stringify(record));`;
    const child = promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", script],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
    );
    child.child.stdin?.end(gzipSync(`${combinedLine("/wiki/Stdin")}\r\nnot a log line\r\n`));
    const { stdout } = await child;
    expect(
      stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toMatchObject([
      { kind: "request", lineNumber: 1, request: { uri_path: "/wiki/Stdin", uri_host: "en.wikipedia.org" } },
      { kind: "malformed", lineNumber: 2, reason: "not a combined log line" },
    ]);
  });

  it("gives the records in batches as well, and only once", async () => {
    const path = await fixture(
      "batches.json",
      `${webrequestLine("/wiki/A")}\n${webrequestLine("/wiki/B")}\n`,
    );
    const source = await openSource(path, { format: "auto" });
    const batches: SourceRecord[][] = [];
    for await (const batch of source.recordBatches()) batches.push(batch);
    expect(outcomes(batches.flat())).toEqual({ 1: "/wiki/A", 2: "/wiki/B" });
    await expect(readAll(source)).rejects.toThrow(/can only be read once/);
  });

  it("stops reading when the consumer stops early", async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => webrequestLine(`/wiki/${i}`));
    const path = await fixture("stop-early.json", `${lines.join("\n")}\n`);
    const source = await openSource(path, { format: "auto" });
    for await (const record of source.records()) {
      expect(record.lineNumber).toBe(1);
      break;
    }
    await source.close();
    expect(source.bytesRead()).toBeLessThan(source.sizeBytes as number);
  });

  it.skipIf(!existsSync("/proc/self/fd"))("releases the file when closed without being read", async () => {
    const openFiles = () => readdirSync("/proc/self/fd").length;
    // Larger than one read, so that detecting the format does not read the file to its end.
    const lines = Array.from({ length: 10_000 }, (_, i) => webrequestLine(`/wiki/${i}`));
    const path = await fixture("close-unread.json", `${lines.join("\n")}\n`);
    const before = openFiles();
    for (const format of ["auto", "webrequest"] as const) {
      const source = await openSource(path, { format });
      expect(openFiles()).toBe(before + 1);
      await source.close();
      expect(openFiles()).toBe(before);
    }
  });
});
