/**
 * IP networks and the addresses drawn from them. Addresses are picked by hash, so a client keeps its
 * address wherever it reappears in the stream.
 */

import { hashIndex, mix32 } from "./random.ts";

export type Network = Ipv4Network | Ipv6Network;

interface Ipv4Network {
  readonly cidr: string;
  readonly family: 4;
  readonly base: number;
  readonly size: number;
}

/** IPv6 networks are limited to whole 16-bit groups (/16, /32, /48): the rest of the address is random. */
interface Ipv6Network {
  readonly cidr: string;
  readonly family: 6;
  /** The fixed groups, joined with `:` (`2a02:8108`). */
  readonly prefix: string;
  readonly freeGroups: number;
}

export function parseNetwork(cidr: string): Network {
  const [address, lengthText] = cidr.split("/");
  const length = Number(lengthText);
  if (address === undefined || !Number.isInteger(length)) throw new Error(`invalid network ${cidr}`);
  if (address.includes(":")) {
    if (length % 16 !== 0 || length < 16 || length > 112)
      throw new Error(`unsupported IPv6 prefix in ${cidr}`);
    const groups = address.replace(/::$/, "").split(":");
    const fixed = length / 16;
    if (groups.length !== fixed)
      throw new Error(`IPv6 network ${cidr} must spell out its ${fixed} fixed groups`);
    return { cidr, family: 6, prefix: groups.join(":"), freeGroups: 8 - fixed };
  }
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || length < 8 || length > 30) {
    throw new Error(`invalid IPv4 network ${cidr}`);
  }
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - length);
  if (base % size !== 0) throw new Error(`${cidr} has host bits set`);
  return { cidr, family: 4, base, size };
}

/** The address at a hashed position in the network; IPv4 avoids the network and broadcast addresses. */
export function addressIn(network: Network, hash: number): string {
  if (network.family === 4) {
    const n = network.base + 1 + hashIndex(hash, network.size - 2);
    return `${Math.floor(n / 16777216)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  let address = network.prefix;
  let h = hash;
  for (let i = 0; i < network.freeGroups; i++) {
    h = mix32(h + i);
    address += `:${(h & 0xffff).toString(16)}`;
  }
  return address;
}

/** First and last address of a network, for checking it against a geolocation database. */
export function networkBounds(network: Network): [string, string] {
  if (network.family === 4) {
    const last = network.base + network.size - 1;
    const dotted = (n: number) =>
      `${Math.floor(n / 16777216)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    return [dotted(network.base), dotted(last)];
  }
  const tail = (group: string) => Array.from({ length: network.freeGroups }, () => group).join(":");
  return [`${network.prefix}:${tail("0")}`, `${network.prefix}:${tail("ffff")}`];
}
