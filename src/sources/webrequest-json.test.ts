import { describe, expect, it } from "vitest";
import type { RawRequest } from "../definition/types.ts";
import { parseWebrequestLine } from "./webrequest-json.ts";

const complete = {
  hostname: "cp3050.esams.wmnet",
  sequence: 1234567,
  dt: "2024-05-01T10:11:12Z",
  ip: "198.51.100.7",
  http_method: "GET",
  uri_host: "en.wikipedia.org",
  uri_path: "/wiki/Main_Page",
  uri_query: "?action=view",
  http_status: "200",
  content_type: "text/html; charset=UTF-8",
  user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
  referer: "https://www.google.com/",
  accept_language: "en-GB,en;q=0.9",
  x_analytics: "ns=0;page_id=15580374;https=1",
};

function line(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

function without(name: string): Record<string, unknown> {
  const { [name]: _removed, ...rest } = complete as Record<string, unknown>;
  return rest;
}

describe("parseWebrequestLine", () => {
  it("maps the webrequest fields and ignores the ones the definition does not read", () => {
    expect(parseWebrequestLine(line(complete))).toEqual({
      dt: "2024-05-01T10:11:12Z",
      ip: "198.51.100.7",
      uri_host: "en.wikipedia.org",
      uri_path: "/wiki/Main_Page",
      uri_query: "?action=view",
      http_status: "200",
      content_type: "text/html; charset=UTF-8",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
      referer: "https://www.google.com/",
      accept_language: "en-GB,en;q=0.9",
      x_analytics: "ns=0;page_id=15580374;https=1",
    } satisfies RawRequest);
  });

  it("accepts an integer http_status and turns it into a string", () => {
    expect(parseWebrequestLine(line({ ...complete, http_status: 304 }))).toMatchObject({
      http_status: "304",
    });
  });

  it("gives absent optional fields the values webrequest uses for a missing header", () => {
    const minimal = without("referer");
    delete minimal.accept_language;
    delete minimal.x_analytics;
    expect(parseWebrequestLine(line(minimal))).toMatchObject({
      referer: "-",
      accept_language: "",
      x_analytics: "-",
    });
  });

  it("normalises dt to whole seconds in UTC", () => {
    expect(parseWebrequestLine(line({ ...complete, dt: "2024-05-01T12:11:12.345+02:00" }))).toMatchObject({
      dt: "2024-05-01T10:11:12Z",
    });
  });

  it.each([
    ["not JSON", "dt=2024", /^invalid JSON: /],
    ["truncated JSON", line(complete).slice(0, 40), /^invalid JSON: /],
    ["an array", "[1,2]", "expected a JSON object, got an array"],
    ["a number", "42", "expected a JSON object, got the number 42"],
    ["null", "null", "expected a JSON object, got null"],
    ["a string", '"hello"', 'expected a JSON object, got the string "hello"'],
  ])("reports a line that is %s", (_what, input, reason) => {
    const result = parseWebrequestLine(input);
    expect(typeof result).toBe("string");
    if (typeof reason === "string") expect(result).toBe(reason);
    else expect(result).toMatch(reason);
  });

  it.each(["dt", "ip", "uri_host", "uri_path", "uri_query", "http_status", "content_type", "user_agent"])(
    "reports a missing %s",
    (name) => {
      expect(parseWebrequestLine(line(without(name)))).toBe(`missing required field "${name}"`);
    },
  );

  it.each([
    ["uri_query", null, 'field "uri_query" must be a string, got null'],
    ["ip", 3232235777, 'field "ip" must be a string, got the number 3232235777'],
    ["user_agent", ["a"], 'field "user_agent" must be a string, got an array'],
    ["dt", 1714558272, 'field "dt" must be a string, got the number 1714558272'],
    ["http_status", 200.5, 'field "http_status" must be a string or an integer, got the number 200.5'],
    ["http_status", true, 'field "http_status" must be a string or an integer, got the boolean true'],
    ["referer", { url: "x" }, 'field "referer" must be a string, got an object'],
    ["x_analytics", false, 'field "x_analytics" must be a string, got the boolean false'],
  ])("reports %s holding %j", (name, value, reason) => {
    expect(parseWebrequestLine(line({ ...complete, [name]: value }))).toBe(reason);
  });

  it.each([
    ["2024-05-01 10:11:12", 'field "dt" is not an ISO 8601 time with a time zone: "2024-05-01 10:11:12"'],
    ["2024-05-01T10:11:12", 'field "dt" is not an ISO 8601 time with a time zone: "2024-05-01T10:11:12"'],
    ["2024-02-30T10:11:12Z", 'field "dt" is not an ISO 8601 time with a time zone: "2024-02-30T10:11:12Z"'],
  ])("reports an unusable dt %s", (dt, reason) => {
    expect(parseWebrequestLine(line({ ...complete, dt }))).toBe(reason);
  });

  it("shortens long values quoted in a reason", () => {
    const reason = parseWebrequestLine(JSON.stringify("x".repeat(500)));
    expect(reason).toBe(`expected a JSON object, got the string "${"x".repeat(39)}…`);
  });
});
