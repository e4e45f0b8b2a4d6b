import { describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { formatCombined, formatWebrequest } from "./format.ts";
import { generateRequests } from "./model.ts";

const requests = [
  ...generateRequests({ seed: 2, start: new Date("2026-07-12T14:00:00Z"), hours: 1, lines: 3_000 }),
];

const plain: RawRequest = {
  dt: "2026-01-05T09:07:03Z",
  ip: "81.2.69.160",
  uri_host: "en.wikipedia.org",
  uri_path: '/wiki/Say_"hello"\\',
  uri_query: "",
  http_status: "200",
  content_type: "text/html; charset=UTF-8",
  user_agent: 'Tool "x"\u0001',
  referer: "-",
  accept_language: "en",
  x_analytics: "-",
};

/** `ip - - [time] "request" status size "referer" "agent"`, quotes inside fields escaped. */
const COMBINED =
  /^(\S+) - - \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d:\d\d:\d\d) \+0000\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;

describe("formatWebrequest", () => {
  it("writes one JSON object per request with the raw webrequest field names, parsing back to the request", () => {
    for (const request of requests) {
      const line = formatWebrequest(request);
      expect(line).not.toContain("\n");
      expect(JSON.parse(line)).toEqual(request);
    }
  });

  it("writes the fields in the raw table's order", () => {
    expect(Object.keys(JSON.parse(formatWebrequest(requests[0] as RawRequest)))).toEqual([
      "hostname",
      "sequence",
      "dt",
      "time_firstbyte",
      "ip",
      "cache_status",
      "http_status",
      "response_size",
      "http_method",
      "uri_host",
      "uri_path",
      "uri_query",
      "content_type",
      "referer",
      "x_forwarded_for",
      "user_agent",
      "accept_language",
      "x_analytics",
      "tls",
    ]);
  });

  it("escapes what JSON must escape and fills transport defaults for a plain RawRequest", () => {
    const parsed = JSON.parse(formatWebrequest(plain));
    expect(parsed).toMatchObject(plain);
    expect(parsed).toMatchObject({ hostname: "-", sequence: 0, http_method: "GET", response_size: 0 });
  });
});

describe("formatCombined", () => {
  it("writes the combined log format", () => {
    for (const request of requests) {
      const match = COMBINED.exec(formatCombined(request));
      expect(match, formatCombined(request)).not.toBeNull();
      const [, ip, day, month, year, time, line, status, size, referer, agent] = match as unknown as string[];
      expect(ip).toBe(request.ip);
      expect(`${year}-${day} ${time}`).toBe(
        `${request.dt.slice(0, 4)}-${request.dt.slice(8, 10)} ${request.dt.slice(11, 19)}`,
      );
      expect(month).toBe("Jul");
      const query = request.uri_query === "" ? "" : request.uri_query;
      expect(line).toBe(`${request.http_method} ${request.uri_path}${query} HTTP/1.1`);
      expect(status).toBe(request.http_status);
      expect(size).toBe(request.response_size === 0 ? "-" : String(request.response_size));
      expect(referer).toBe(request.referer);
      expect(agent).toBe(request.user_agent);
    }
  });

  it("escapes quotes and backslashes inside quoted fields", () => {
    const line = formatCombined(plain);
    expect(line).toBe(
      '81.2.69.160 - - [05/Jan/2026:09:07:03 +0000] "GET /wiki/Say_\\"hello\\"\\\\ HTTP/1.1" 200 - "-" "Tool \\"x\\"\u0001"',
    );
    expect(COMBINED.test(line)).toBe(true);
  });

  it("leaves out an absent query", () => {
    expect(formatCombined({ ...plain, uri_path: "/wiki/A", uri_query: "-" })).toContain(
      '"GET /wiki/A HTTP/1.1"',
    );
  });
});
