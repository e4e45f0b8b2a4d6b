import { describe, expect, it } from "vitest";
import { readConformanceTsv } from "../../test/support/conformance.ts";
import { type ActorSignatureInput, actorSignature } from "./actor-signature.ts";

const NULL = "<null>";

const nullable = (value: string | undefined): string | null => (value === NULL ? null : (value ?? ""));

/** Wikimedia's test helper (RS `Utils.java`): split on `;`, then on the first `=`; drop pairs without `=`. */
function xAnalyticsMap(header: string | undefined): ReadonlyMap<string, string> | null {
  if (header === NULL) return null;
  const map = new Map<string, string>();
  for (const pair of (header ?? "").split(";")) {
    const equals = pair.indexOf("=");
    if (equals >= 0) map.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return map;
}

const vectors = readConformanceTsv("actor_signature_test_vectors.tsv").map(
  ([name, ip, userAgent, acceptLanguage, host, uriQuery, xAnalytics, expected]) => ({
    name,
    input: {
      ip: nullable(ip),
      userAgent: nullable(userAgent),
      acceptLanguage: nullable(acceptLanguage),
      host: nullable(host),
      uriQuery: nullable(uriQuery),
      xAnalytics: xAnalyticsMap(xAnalytics),
    },
    expected: nullable(expected),
  }),
);

const base: ActorSignatureInput = {
  ip: "1.2.3.4",
  userAgent: "Mozilla/5.0",
  acceptLanguage: "en",
  host: "en.wikipedia.org",
  uriQuery: null,
  xAnalytics: null,
};

describe("actorSignature on Wikimedia's test vectors", () => {
  it("reads all 10 vectors", () => {
    expect(vectors).toHaveLength(10);
  });

  it.each(vectors)("$name", ({ input, expected }) => {
    expect(actorSignature(input)).toBe(expected);
  });
});

describe("actorSignature", () => {
  it("hashes only the first 200 UTF-16 units of the user agent", () => {
    const long = "x".repeat(200);
    expect(actorSignature({ ...base, userAgent: `${long}tail` })).toBe(
      actorSignature({ ...base, userAgent: long }),
    );
  });

  it("hashes only as many UTF-8 bytes as the message has UTF-16 units, like the Java", () => {
    // md5 of "1.2.3.4Mozilla/5.0 (é)frfr.wikipedia.or": é takes two bytes, so the final "g" is cut.
    const input = { ...base, userAgent: "Mozilla/5.0 (é)", acceptLanguage: "fr", host: "fr.wikipedia.org" };
    expect(actorSignature(input)).toBe("27375f06d7ccfc02d3f8de982e5594e4");
  });

  it("encodes a surrogate pair cut by the 200-unit prefix as `?`, like Java's UTF-8 encoder", () => {
    // md5 of "1.2.3.4" + "a" × 199 + "?" + "en" + "en.wikipedia.org".
    const userAgent = `${"a".repeat(199)}😀`;
    expect(actorSignature({ ...base, userAgent })).toBe("a0e445d64e052ae5f9f6d8a4a34e3aaa");
  });

  it("takes the client id from wmfuuid before appInstallID", () => {
    const withUuid = { ...base, xAnalytics: new Map([["wmfuuid", "abc"]]) };
    const both = { ...withUuid, uriQuery: "?appInstallID=def" };
    expect(actorSignature(both)).toBe(actorSignature(withUuid));
    expect(actorSignature(both)).not.toBe(actorSignature({ ...base, uriQuery: "?appInstallID=def" }));
    expect(actorSignature(withUuid)).not.toBe(actorSignature(base));
  });

  it("reads appInstallID up to the next `&`", () => {
    const middle = actorSignature({ ...base, uriQuery: "?a=1&appInstallID=def&b=2" });
    expect(middle).toBe(actorSignature({ ...base, uriQuery: "?appInstallID=def" }));
    expect(middle).not.toBe(actorSignature(base));
  });

  it("ignores appInstallID at the very start of the query, or without a value", () => {
    expect(actorSignature({ ...base, uriQuery: "appInstallID=def" })).toBe(actorSignature(base));
    expect(actorSignature({ ...base, uriQuery: "?appInstallID" })).toBe(actorSignature(base));
    expect(actorSignature({ ...base, uriQuery: "?appInstallID&x=1" })).toBe(actorSignature(base));
  });
});
