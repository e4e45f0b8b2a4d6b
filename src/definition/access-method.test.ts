import { describe, expect, it } from "vitest";
import { readConformanceCsv } from "../../test/support/conformance.ts";
import { accessMethod, accessMethodFromHost } from "./access-method.ts";
import { parseXAnalytics } from "./x-analytics.ts";

describe("accessMethod (X-Analytics rule, since 2025-08)", () => {
  it.each([
    "WikipediaApp/2.7.50322-r-2020-06-08 (Android 10; Phone) Google Play",
    "WikipediaApp/5.3.0.0 (iOS 10.0; Phone)",
    "Wikipedia/5.0.2 (iPhone; iOS 16.0) CFNetwork",
  ])("is mobile app for the app user agent %j", (userAgent) => {
    expect(accessMethod(userAgent, parseXAnalytics("-"))).toBe("mobile app");
  });

  it("reads the '.' after 5.0 as any character, as Wikimedia's regex does", () => {
    expect(accessMethod("Wikipedia/5.0x", parseXAnalytics("-"))).toBe("mobile app");
    expect(accessMethod("Wikipedia/5.1.0", parseXAnalytics("-"))).toBe("desktop");
  });

  it("prefers the app user agent to the ismobile mark", () => {
    expect(accessMethod("WikipediaApp/2.7", parseXAnalytics("ismobile=1"))).toBe("mobile app");
  });

  it("is mobile web when X-Analytics has ismobile=1", () => {
    expect(accessMethod("Mozilla/5.0 (Linux; Android 14)", parseXAnalytics("ns=0;ismobile=1"))).toBe(
      "mobile web",
    );
  });

  it.each(["-", "ismobile=0", "ismobile= 1", "ns=0"])("is desktop for X-Analytics %j", (header) => {
    expect(accessMethod("Mozilla/5.0 (Windows NT 10.0)", parseXAnalytics(header))).toBe("desktop");
  });
});

describe("accessMethodFromHost (fallback for logs without X-Analytics)", () => {
  describe("Wikimedia's access_method_test_data.csv", () => {
    const cases = readConformanceCsv("access_method_test_data.csv").map(
      ([description, expected, host, userAgent]) => ({
        description,
        expected,
        host: host ?? "",
        userAgent: userAgent ?? "",
      }),
    );

    it.each(cases)("$description ($host)", ({ expected, host, userAgent }) => {
      expect(accessMethodFromHost(host, userAgent)).toBe(expected);
    });
  });

  it("needs the mobile qualifier as a whole label", () => {
    expect(accessMethodFromHost("em.wikipedia.org", "turnip")).toBe("desktop");
    expect(accessMethodFromHost("en.mobiles.wikipedia.org", "turnip")).toBe("desktop");
  });

  it("ignores the case of the host, which combined logs keep as the client sent it", () => {
    expect(accessMethodFromHost("EN.M.WIKIPEDIA.ORG", "turnip")).toBe("mobile web");
  });
});
