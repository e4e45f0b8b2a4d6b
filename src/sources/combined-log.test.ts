import { describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { parseCombinedLine, unescapeLogField } from "./combined-log.ts";

const combined = { vhost: false, host: "en.wikipedia.org" };
const vhostCombined = { vhost: true };

const apacheLine =
  '203.0.113.9 - frank [10/Oct/2023:13:55:36 -0700] "GET /wiki/Apache?oldid=12 HTTP/1.1" 200 2326 ' +
  '"https://www.example.com/start.html" "Mozilla/5.0 (Windows NT 10.0) Firefox/118.0"';

describe("parseCombinedLine", () => {
  it("maps a combined line onto the webrequest fields", () => {
    expect(parseCombinedLine(apacheLine, combined)).toEqual({
      dt: "2023-10-10T20:55:36Z",
      ip: "203.0.113.9",
      uri_host: "en.wikipedia.org",
      uri_path: "/wiki/Apache",
      uri_query: "?oldid=12",
      http_status: "200",
      content_type: "text/html; charset=utf-8",
      user_agent: "Mozilla/5.0 (Windows NT 10.0) Firefox/118.0",
      referer: "https://www.example.com/start.html",
      accept_language: "",
      x_analytics: "",
    } satisfies RawRequest);
  });

  it("takes uri_host from the virtual host of a vhost_combined line, without its port", () => {
    const line = `de.wikipedia.org:443 ${apacheLine}`;
    expect(parseCombinedLine(line, vhostCombined)).toMatchObject({
      uri_host: "de.wikipedia.org",
      ip: "203.0.113.9",
    });
    expect(parseCombinedLine(line, { vhost: true, host: "ignored.example" })).toMatchObject({
      uri_host: "de.wikipedia.org",
    });
    expect(parseCombinedLine(`fr.wikipedia.org ${apacheLine}`, vhostCombined)).toMatchObject({
      uri_host: "fr.wikipedia.org",
    });
  });

  it("falls back to the given host when the virtual host is '-', and asks for one when there is none", () => {
    expect(parseCombinedLine(`-:80 ${apacheLine}`, { vhost: true, host: "nl.wikipedia.org" })).toMatchObject({
      uri_host: "nl.wikipedia.org",
    });
    expect(parseCombinedLine(apacheLine, { vhost: false })).toBe("no host: use --host");
    expect(parseCombinedLine(`-:80 ${apacheLine}`, vhostCombined)).toBe("no host: use --host");
    expect(parseCombinedLine(`:80 ${apacheLine}`, vhostCombined)).toBe("no host: use --host");
  });

  it("keeps '-' for an absent referer and gives an empty query to a target without '?'", () => {
    const line =
      '198.51.100.1 - - [01/Jan/2024:00:00:00 +0000] "GET /wiki/X HTTP/2.0" 304 0 "-" "curl/8.5.0"';
    expect(parseCombinedLine(line, combined)).toMatchObject({
      uri_path: "/wiki/X",
      uri_query: "",
      referer: "-",
    });
  });

  it("splits the target at its first '?' only", () => {
    const line =
      '198.51.100.1 - - [01/Jan/2024:00:00:00 +0000] "GET /w/index.php?title=A?B&x=? HTTP/1.1" 200 1 "-" "ua"';
    expect(parseCombinedLine(line, combined)).toMatchObject({
      uri_path: "/w/index.php",
      uri_query: "?title=A?B&x=?",
    });
  });

  it("reads IPv6 client addresses", () => {
    const line = '2001:db8::1 - - [01/Jan/2024:00:00:00 +0000] "GET /wiki/X HTTP/1.1" 200 1 "-" "ua"';
    expect(parseCombinedLine(line, combined)).toMatchObject({ ip: "2001:db8::1" });
  });

  it("undoes the backslash escapes Apache and nginx write inside quoted fields", () => {
    const line =
      '198.51.100.1 - - [01/Jan/2024:00:00:00 +0000] "GET /wiki/Quote HTTP/1.1" 200 1 ' +
      String.raw`"https://example.org/?q=\"x\"" "Agent \"quoted\" \\ back \xE2\x9C\x93 check \x22nginx\x22"`;
    expect(parseCombinedLine(line, combined)).toMatchObject({
      referer: 'https://example.org/?q="x"',
      user_agent: 'Agent "quoted" \\ back ✓ check "nginx"',
    });
  });

  it("ignores fields appended after the user agent", () => {
    expect(parseCombinedLine(`${apacheLine} "10.0.0.1" rt=0.003`, combined)).toMatchObject({
      user_agent: "Mozilla/5.0 (Windows NT 10.0) Firefox/118.0",
    });
  });

  it.each([
    ["a request of '-'", '"-"', 'request is not "METHOD target HTTP/version": "-"'],
    [
      "garbage",
      String.raw`"\x16\x03\x01\x02\x00"`,
      String.raw`request is not "METHOD target HTTP/version": "\x16\x03\x01\x02\x00"`,
    ],
    ["no protocol", '"GET /wiki/X"', 'request is not "METHOD target HTTP/version": "GET /wiki/X"'],
    [
      "a space in the target",
      '"GET /wiki/a b HTTP/1.1"',
      'request is not "METHOD target HTTP/version": "GET /wiki/a b HTTP/1.1"',
    ],
  ])("reports %s as the request", (_what, request, reason) => {
    const line = `198.51.100.1 - - [01/Jan/2024:00:00:00 +0000] ${request} 400 0 "-" "-"`;
    expect(parseCombinedLine(line, combined)).toBe(reason);
  });

  it.each([
    ["a line in another format", '{"dt":"2024-01-01T00:00:00Z"}', "not a combined log line"],
    [
      "a common (not combined) log line",
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1',
      "not a combined log line",
    ],
    [
      "an unclosed quote",
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "Mozilla',
      "not a combined log line",
    ],
    [
      "an impossible time",
      '1.2.3.4 - - [31/Feb/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      "invalid time [31/Feb/2024:00:00:00 +0000]",
    ],
    [
      "a time in another form",
      '1.2.3.4 - - [2024-01-01T00:00:00Z] "GET / HTTP/1.1" 200 1 "-" "-"',
      "invalid time [2024-01-01T00:00:00Z]",
    ],
    [
      "escaped bytes that are not UTF-8",
      String.raw`1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "bad \xff"`,
      "user agent holds escaped bytes that are not valid UTF-8",
    ],
  ])("reports %s", (_what, line, reason) => {
    expect(parseCombinedLine(line, combined)).toBe(reason);
  });

  it("reports a combined line read as vhost_combined", () => {
    expect(parseCombinedLine(apacheLine, vhostCombined)).toBe("not a vhost_combined log line");
  });

  it("infers the content type with the combined-content-type rule", () => {
    const request = (method: string, target: string, status: string) =>
      parseCombinedLine(
        `1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "${method} ${target} HTTP/1.1" ${status} 1 "-" "-"`,
        combined,
      );
    expect(request("GET", "/wiki/Main_Page", "200")).toMatchObject({
      content_type: "text/html; charset=utf-8",
    });
    expect(request("GET", "/static/images/logo.png", "200")).toMatchObject({ content_type: "-" });
    expect(request("POST", "/wiki/Main_Page", "200")).toMatchObject({ content_type: "-" });
  });
});

describe("unescapeLogField", () => {
  it.each([
    ["no escapes", "plain", "plain"],
    ["escaped quote and backslash", String.raw`a\"b\\c`, 'a"b\\c'],
    ["control escapes", String.raw`\t\n\r\b\v`, "\t\n\r\b\v"],
    ["hex bytes forming UTF-8", String.raw`\xC3\xA9t\xC3\xA9`, "été"],
    ["upper- and lower-case hex", String.raw`\x2f\x2F`, "//"],
    ["an unknown escape, kept", String.raw`a\qb`, String.raw`a\qb`],
    ["an incomplete hex escape, kept", String.raw`a\x4`, String.raw`a\x4`],
    ["a trailing backslash, kept", "a\\", "a\\"],
  ])("handles %s", (_what, input, expected) => {
    expect(unescapeLogField(input)).toBe(expected);
  });

  it("refuses escaped bytes that are not UTF-8", () => {
    expect(unescapeLogField(String.raw`\xC3\x28`)).toBeUndefined();
  });
});
