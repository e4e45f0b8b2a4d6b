import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./suggest.ts";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["port", "port", 0],
    ["prot", "port", 2],
    ["port", "ports", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("from %j to %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("closestName", () => {
  const keys = ["host", "port", "rateLimit", "responseCacheMiB", "trustProxy"];

  it("suggests the nearest name for a typo", () => {
    expect(closestName("prot", keys)).toBe("port");
    expect(closestName("trustProxi", keys)).toBe("trustProxy");
  });

  it("suggests the name written in another case or with separators", () => {
    expect(closestName("rate_limit", keys)).toBe("rateLimit");
    expect(closestName("RESPONSE_CACHE_MIB", keys)).toBe("responseCacheMiB");
  });

  it("suggests nothing when no name is close", () => {
    expect(closestName("database", keys)).toBeNull();
    expect(closestName("x", [])).toBeNull();
  });
});
