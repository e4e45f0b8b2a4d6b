import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect.ts";

const webrequest = '{"dt":"2024-01-01T00:00:00Z","ip":"1.2.3.4"}';
const combined = '203.0.113.9 - - [10/Oct/2023:13:55:36 -0700] "GET /wiki/X HTTP/1.1" 200 2326 "-" "curl/8"';
const combinedIpv6 =
  '2001:db8::1 - - [10/Oct/2023:13:55:36 -0700] "GET /wiki/X HTTP/1.1" 200 2326 "-" "curl/8"';
const combinedHostname = 'client.example.net - - [10/Oct/2023:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"';
const vhostCombined = `en.wikipedia.org:443 ${combined}`;
const vhostCombinedIpv6 = `en.wikipedia.org:80 ${combinedIpv6}`;

describe("detectFormat", () => {
  it.each([
    ["webrequest JSON", [webrequest], "webrequest"],
    ["webrequest JSON with leading spaces", [`  ${webrequest}`], "webrequest"],
    ["combined", [combined], "combined"],
    ["combined with an IPv6 client", [combinedIpv6], "combined"],
    ["combined with a resolved client host name", [combinedHostname], "combined"],
    ["vhost_combined", [vhostCombined], "vhost_combined"],
    ["vhost_combined with an IPv6 client", [vhostCombinedIpv6], "vhost_combined"],
  ])("recognises %s", (_what, lines, format) => {
    expect(detectFormat(lines)).toBe(format);
  });

  it("goes with the format most sample lines have", () => {
    expect(detectFormat(["# exported log", combined, webrequest, combined, "garbage"])).toBe("combined");
    expect(detectFormat([vhostCombined, webrequest, vhostCombined])).toBe("vhost_combined");
  });

  it("recognises nothing in lines of no known format, or in no lines", () => {
    expect(
      detectFormat(["hello", "2024-01-01 GET /wiki/X 200", '1.2.3.4 - - [yesterday] "GET /"']),
    ).toBeNull();
    expect(detectFormat([])).toBeNull();
  });
});
