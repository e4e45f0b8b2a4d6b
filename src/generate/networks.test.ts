import { describe, expect, it } from "vitest";
import { addressIn, networkBounds, parseNetwork } from "./networks.ts";
import { mix32 } from "./random.ts";

describe("parseNetwork and addressIn", () => {
  it("draws IPv4 host addresses inside the network", () => {
    const network = parseNetwork("81.2.64.0/20");
    for (let hash = 0; hash < 4294967296; hash += 97_000_001) {
      const ip = addressIn(network, hash);
      const [a, b, c, d] = ip.split(".").map(Number) as [number, number, number, number];
      expect([a, b]).toEqual([81, 2]);
      expect(c).toBeGreaterThanOrEqual(64);
      expect(c).toBeLessThanOrEqual(79);
      expect(`${c}.${d}`).not.toBe("64.0");
      expect(`${c}.${d}`).not.toBe("79.255");
    }
  });

  it("draws IPv6 addresses under the prefix", () => {
    const ip = addressIn(parseNetwork("2a02:8108::/32"), 12345);
    expect(ip).toMatch(/^2a02:8108(:[0-9a-f]{1,4}){6}$/);
  });

  it("gives the same address for the same hash", () => {
    const network = parseNetwork("73.0.0.0/12");
    expect(addressIn(network, mix32(42))).toBe(addressIn(network, mix32(42)));
    expect(addressIn(network, mix32(42))).not.toBe(addressIn(network, mix32(43)));
  });

  it("reports network bounds", () => {
    expect(networkBounds(parseNetwork("10.64.0.0/12"))).toEqual(["10.64.0.0", "10.79.255.255"]);
    expect(networkBounds(parseNetwork("2003:e1::/32"))).toEqual([
      "2003:e1:0:0:0:0:0:0",
      "2003:e1:ffff:ffff:ffff:ffff:ffff:ffff",
    ]);
  });

  it("rejects networks it cannot draw from", () => {
    expect(() => parseNetwork("81.2.69.1/20")).toThrow(/host bits/);
    expect(() => parseNetwork("2a02:8108::/30")).toThrow(/IPv6/);
    expect(() => parseNetwork("300.1.1.0/24")).toThrow(/invalid/);
  });
});
