import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { formatCombined, formatWebrequest, generateRequests } from "../generate/traffic.ts";

const pageviews = fileURLToPath(new URL("../../bin/pageviews", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "pageviews-refine-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refinedFields = [
  "dt",
  "hour",
  "is_pageview",
  "is_redirect_to_pageview",
  "project",
  "language_variant",
  "article",
  "page_id",
  "namespace_id",
  "access_method",
  "agent_type",
  "continent",
  "country_code",
  "country",
  "referer_class",
  "ua_browser_family",
  "ua_os_family",
  "ua_device_family",
];

function refine(args: string[], input?: string | Buffer) {
  const result = spawnSync(pageviews, ["refine", ...args], { input, encoding: "utf8", maxBuffer: 1 << 28 });
  const records = result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: result.status, records, stderr: result.stderr, stdout: result.stdout };
}

const horseshoeCrab: RawRequest = {
  dt: "2026-01-15T10:20:30Z",
  ip: "81.2.69.160",
  uri_host: "en.wikipedia.org",
  uri_path: "/wiki/Horseshoe%20crab",
  uri_query: "",
  http_status: "200",
  content_type: "text/html; charset=UTF-8",
  user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  referer: "https://www.google.com/",
  accept_language: "en-GB,en;q=0.9",
  x_analytics: "ns=0;page_id=1234",
};

describe("pageviews refine", () => {
  let requests: RawRequest[];
  let webrequestFile: string;

  beforeAll(() => {
    requests = [
      ...generateRequests({ seed: 7, start: new Date("2026-01-15T10:00:00Z"), hours: 1, lines: 3000 }),
    ];
    webrequestFile = join(dir, "traffic.json.gz");
    writeFileSync(webrequestFile, gzipSync(requests.map((r) => `${formatWebrequest(r)}\n`).join("")));
  });

  it("writes one record per line, in input order, with exactly the documented fields", () => {
    const { status, records, stderr } = refine([webrequestFile]);
    expect(status).toBe(0);
    expect(records).toHaveLength(requests.length);
    for (const record of records) expect(Object.keys(record)).toEqual(refinedFields);
    expect(records.map((r) => r.dt)).toEqual(requests.map((r) => r.dt));
    expect(stderr).toMatch(/^lines read: 3000 /m);
    expect(stderr).toMatch(/^malformed lines: 0$/m);
  });

  it("keeps no IP, user agent, accept-language, query or X-Analytics of the input", () => {
    const { stdout } = refine([webrequestFile]);
    const leaks = new Set<string>();
    for (const r of requests) {
      for (const secret of [r.ip, r.user_agent, r.accept_language, r.x_analytics]) {
        if (secret.length > 8 && stdout.includes(JSON.stringify(secret).slice(1, -1))) leaks.add(secret);
      }
      if (r.uri_query.length > 8 && stdout.includes(r.uri_query)) leaks.add(r.uri_query);
    }
    expect([...leaks]).toEqual([]);
  });

  it("refines a request as Wikimedia does, and explains the verdict with rule ids", () => {
    const apiCall = { ...horseshoeCrab, uri_path: "/w/api.php", uri_query: "?action=query" };
    const crawler = { ...horseshoeCrab, user_agent: "Mozilla/5.0 (compatible; Googlebot/2.1)" };
    const input = [horseshoeCrab, apiCall, crawler].map((r) => `${formatWebrequest(r)}\n`).join("");
    const { records } = refine(["--explain", "-"], input);
    expect(records[0]).toEqual({
      dt: "2026-01-15T10:20:30Z",
      hour: "2026011510",
      is_pageview: true,
      is_redirect_to_pageview: false,
      project: "en.wikipedia",
      language_variant: "default",
      article: "Horseshoe_crab",
      page_id: 1234,
      namespace_id: 0,
      access_method: "desktop",
      agent_type: "user",
      continent: "Europe",
      country_code: "GB",
      country: "United Kingdom",
      referer_class: "external (search engine)",
      ua_browser_family: "Firefox",
      ua_os_family: "Linux",
      ua_device_family: "Other",
      rules: expect.arrayContaining(["success-status", "web-path-or-query"]),
    });
    expect(records[1]).toMatchObject({ is_pageview: false, project: null, rules: ["web-not-api-php"] });
    expect(records[2]).toMatchObject({ is_pageview: true, agent_type: "spider" });
    expect(records[2]?.rules).toContain("spider-uap-device");
  });

  it("reports malformed lines with their line numbers and goes on", () => {
    const file = join(dir, "mixed.json");
    const good = formatWebrequest(horseshoeCrab);
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"dt":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${good}\n{not json\n${good}\n{"dt":"2026-01-15T10:00:00Z"}\n`),
        invalidUtf8,
        Buffer.from(`${good}\n`),
      ]),
    );
    const { status, records, stderr } = refine(["--format", "webrequest", file]);
    expect(status).toBe(0);
    expect(records).toHaveLength(3);
    expect(stderr).toContain(`${file}:2: malformed line:`);
    expect(stderr).toContain(`${file}:4: malformed line:`);
    expect(stderr).toContain(`${file}:5: malformed line:`);
    expect(stderr).toMatch(/^malformed lines: 3$/m);
  });

  it("reads combined logs with the host from --host, and the host-based access method", () => {
    const file = join(dir, "access.log");
    const mobile = { ...horseshoeCrab, uri_host: "en.m.wikipedia.org" };
    writeFileSync(file, `${formatCombined(horseshoeCrab)}\n${formatCombined(mobile)}\n`);
    const desktop = refine(["--host", "en.wikipedia.org", file]);
    expect(desktop.records[0]).toMatchObject({
      is_pageview: true,
      article: "Horseshoe_crab",
      access_method: "desktop",
    });
    const onMobileHost = refine(["--host", "en.m.wikipedia.org", file]);
    expect(onMobileHost.records[0]).toMatchObject({ project: "en.wikipedia", access_method: "mobile web" });
  });

  it("exits 1 when an input cannot be opened, after refining the others", () => {
    const missing = join(dir, "missing.log");
    const { status, records, stderr } = refine([missing, webrequestFile]);
    expect(status).toBe(1);
    expect(stderr).toContain(missing);
    expect(records).toHaveLength(requests.length);
  });
});
