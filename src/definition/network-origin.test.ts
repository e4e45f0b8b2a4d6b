import { describe, expect, it } from "vitest";
import {
  ipText,
  isSpecialPurpose,
  type NetworkOrigin,
  networkOrigin,
  newIpAddress,
  parseIp,
} from "./network-origin.ts";

describe("networkOrigin", () => {
  it.each([
    ["185.15.56.1", "wikimedia_labs"],
    ["10.64.0.162", "wikimedia"],
    ["159.118.124.57", "internet"],
    ["xyzzy", "internet"],
  ] as const)("classifies %s as %s, as refinery's TestIpUtil does", (ip, origin) => {
    expect(networkOrigin(ip)).toBe(origin);
  });

  // One address inside and one just outside each network of the spec's lists. An address just
  // outside a labs network can still be inside a wikimedia one, which checks the order of the lists.
  const boundaries: [network: string, ip: string, origin: NetworkOrigin][] = [
    ["172.16.0.0/17", "172.16.127.255", "wikimedia_labs"],
    ["172.16.0.0/17", "172.15.255.255", "internet"],
    ["185.15.56.0/25", "185.15.56.127", "wikimedia_labs"],
    ["185.15.56.0/25", "185.15.56.128", "wikimedia"],
    ["2a02:ec80:a000::/56", "2a02:ec80:a000:ff:ffff:ffff:ffff:ffff", "wikimedia_labs"],
    ["2a02:ec80:a000::/56", "2a02:ec80:a000:100::", "wikimedia"],
    ["172.16.128.0/17", "172.16.255.255", "wikimedia_labs"],
    ["172.16.128.0/17", "172.17.0.0", "internet"],
    ["185.15.57.0/29", "185.15.57.7", "wikimedia_labs"],
    ["185.15.57.0/29", "185.15.57.8", "internet"],
    ["185.15.57.16/29", "185.15.57.16", "wikimedia_labs"],
    ["185.15.57.16/29", "185.15.57.24", "internet"],
    ["2a02:ec80:a100::/56", "2a02:ec80:a100::", "wikimedia_labs"],
    ["2a02:ec80:a100::/56", "2a02:ec80:a0ff:ffff:ffff:ffff:ffff:ffff", "wikimedia"],
    ["91.198.174.0/24", "91.198.174.255", "wikimedia"],
    ["91.198.174.0/24", "91.198.175.0", "internet"],
    ["208.80.152.0/22", "208.80.155.255", "wikimedia"],
    ["208.80.152.0/22", "208.80.151.255", "internet"],
    ["2620:0:860::/46", "2620:0:863:ffff:ffff:ffff:ffff:ffff", "wikimedia"],
    ["2620:0:860::/46", "2620:0:864::", "internet"],
    ["198.35.26.0/23", "198.35.26.0", "wikimedia"],
    ["198.35.26.0/23", "198.35.28.0", "internet"],
    ["185.15.56.0/24", "185.15.56.255", "wikimedia"],
    ["185.15.56.0/24", "185.15.55.255", "internet"],
    ["2a02:ec80::/32", "2a02:ec80:ffff:ffff:ffff:ffff:ffff:ffff", "wikimedia"],
    ["2a02:ec80::/32", "2a02:ec81::", "internet"],
    ["2001:df2:e500::/48", "2001:df2:e500:ffff:ffff:ffff:ffff:ffff", "wikimedia"],
    ["2001:df2:e500::/48", "2001:df2:e501::", "internet"],
    ["103.102.166.0/24", "103.102.166.1", "wikimedia"],
    ["103.102.166.0/24", "103.102.167.0", "internet"],
    ["10.0.0.0/8", "10.255.255.255", "wikimedia"],
    ["10.0.0.0/8", "11.0.0.0", "internet"],
  ];
  it.each(boundaries)("checks %s: %s is %s", (_network, ip, origin) => {
    expect(networkOrigin(ip)).toBe(origin);
  });

  it.each([
    ["::ffff:10.64.0.162", "wikimedia"],
    ["::ffff:185.15.56.1", "wikimedia_labs"],
    ["::FFFF:0a40:00a2", "wikimedia"],
    ["0:0:0:0:0:ffff:b90f:3801", "wikimedia_labs"],
    ["::ffff:159.118.124.57", "internet"],
  ] as const)("treats the IPv4-mapped address %s like its IPv4 address (%s)", (ip, origin) => {
    expect(networkOrigin(ip)).toBe(origin);
  });

  it("reads IPv6 hexadecimal digits in either case", () => {
    expect(networkOrigin("2A02:EC80:A000::1")).toBe("wikimedia_labs");
  });

  it.each(["", "-", "10.0.0", "10.0.0.1.", "010.0.0.1", " 10.0.0.1", "2a02:ec80::1%eth0", "2a02:ec80::1::"])(
    "treats the malformed address %j as internet",
    (ip) => {
      expect(networkOrigin(ip)).toBe("internet");
    },
  );
});

describe("parseIp", () => {
  const address = newIpAddress();

  it.each([
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::", "0:0:0:0:0:0:0:0"],
    ["::1", "0:0:0:0:0:0:0:1"],
    ["1::", "1:0:0:0:0:0:0:0"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["2001:DB8::a:1", "2001:db8:0:0:0:0:a:1"],
    ["::1.2.3.4", "0:0:0:0:0:0:102:304"],
    ["64:ff9b::192.0.2.33", "64:ff9b:0:0:0:0:c000:221"],
  ])("parses %s", (text, canonical) => {
    expect(parseIp(text, address)).toBe(true);
    expect(ipText(address)).toBe(canonical);
  });

  it.each([
    "",
    "xyzzy",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "1.2.3.-4",
    "01.2.3.4",
    "1..2.3",
    "1.2.3.4 ",
    ":",
    ":::",
    ":1::",
    "1:",
    "1::2::3",
    "1:::2",
    "12345::",
    "g::1",
    "1:2:3:4:5:6:7:8:9",
    "::1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::ffff:1.2.3",
    "::ffff:1.2.3.4:5",
    "fe80::1%eth0",
  ])("rejects %j", (text) => {
    expect(parseIp(text, address)).toBe(false);
  });
});

describe("isSpecialPurpose", () => {
  const address = newIpAddress();
  const special = (ip: string) => parseIp(ip, address) && isSpecialPurpose(address);

  it.each([
    "192.168.1.1",
    "172.31.255.255",
    "100.64.0.1",
    "127.0.0.1",
    "::ffff:127.0.0.1",
    "169.254.10.10",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fd12:3456::1",
    "2001:db8::1",
  ])("marks %s as special-purpose", (ip) => {
    expect(special(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "172.32.0.0", "100.128.0.0", "192.169.0.0", "2001:4860:4860::8888", "::ffff:8.8.8.8"])(
    "marks %s as public",
    (ip) => {
      expect(special(ip)).toBe(false);
    },
  );
});
