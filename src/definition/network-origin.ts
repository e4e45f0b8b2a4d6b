/**
 * Network origin of a request's client IP (spec section 6, "Network origin"): Wikimedia Cloud
 * (labs), Wikimedia's own hosts and trusted proxies, or the internet at large.
 *
 * Addresses are parsed by hand into 128 bits, with IPv4 in its IPv4-mapped IPv6 form
 * (`::ffff:a.b.c.d`), so that `10.0.0.1` and `::ffff:10.0.0.1` are the same address and one CIDR
 * test covers both. This runs once or twice per request, so it allocates nothing and uses no regex.
 */

export type NetworkOrigin = "wikimedia" | "wikimedia_labs" | "internet";

/**
 * A parsed IP address: four big-endian 32-bit words, held as signed integers so that they compare
 * directly with the results of bitwise operators.
 */
export type IpAddress = Int32Array;

export function newIpAddress(): IpAddress {
  return new Int32Array(4);
}

const COLON = 58;
const DOT = 46;

/** Reused buffers: the parse of one address never outlives the call that made it. */
const scratch = newIpAddress();
const groups = new Uint16Array(8);

/** Checked first, as in the spec: 185.15.56.0/25 (labs) lies inside 185.15.56.0/24 (wikimedia). */
const labsNetworks = compileNetworks([
  "172.16.0.0/17",
  "185.15.56.0/25",
  "2a02:ec80:a000::/56",
  "172.16.128.0/17",
  "185.15.57.0/29",
  "185.15.57.16/29",
  "2a02:ec80:a100::/56",
]);

/** Wikimedia's own networks and trusted proxies. */
const wikimediaNetworks = compileNetworks([
  "91.198.174.0/24",
  "208.80.152.0/22",
  "2620:0:860::/46",
  "198.35.26.0/23",
  "185.15.56.0/24",
  "2a02:ec80::/32",
  "2001:df2:e500::/48",
  "103.102.166.0/24",
  "10.0.0.0/8",
]);

/**
 * IANA special-purpose blocks that are not reachable from the internet at large: this-network,
 * private, shared (CGNAT), loopback, link-local, documentation, benchmarking, multicast, reserved.
 */
const specialPurposeNetworks = compileNetworks([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/127",
  "100::/64",
  "2001:db8::/32",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
]);

/** The network origin of `ip`; anything that is not a valid IP address is `internet`. */
export function networkOrigin(ip: string): NetworkOrigin {
  return parseIp(ip, scratch) ? networkOriginOf(scratch) : "internet";
}

export function networkOriginOf(address: IpAddress): NetworkOrigin {
  if (inAnyNetwork(address, labsNetworks)) return "wikimedia_labs";
  if (inAnyNetwork(address, wikimediaNetworks)) return "wikimedia";
  return "internet";
}

/**
 * Whether `address` lies in a special-purpose block (private, loopback, link-local, multicast…),
 * which has no place on a map.
 */
export function isSpecialPurpose(address: IpAddress): boolean {
  return inAnyNetwork(address, specialPurposeNetworks);
}

/** Whether `address` is an IPv4 address (parsed from either `a.b.c.d` or `::ffff:a.b.c.d`). */
export function isIpv4(address: IpAddress): boolean {
  return address[0] === 0 && address[1] === 0 && address[2] === 0xffff;
}

/** Canonical text for `address`: dotted quad for IPv4, eight hexadecimal groups for IPv6. */
export function ipText(address: IpAddress): string {
  if (isIpv4(address)) {
    const word = address[3] ?? 0;
    return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
  }
  const groupTexts: string[] = [];
  for (const word of address) groupTexts.push((word >>> 16).toString(16), (word & 0xffff).toString(16));
  return groupTexts.join(":");
}

/**
 * Parses a textual IPv4 or IPv6 address into `into`. Returns false, leaving `into` unspecified,
 * for anything else: octets with leading zeros, zone ids and surrounding spaces are rejected.
 */
export function parseIp(text: string, into: IpAddress): boolean {
  if (text.indexOf(":") === -1) {
    const ipv4 = parseIpv4(text, 0, text.length);
    if (ipv4 === -1) return false;
    into[0] = 0;
    into[1] = 0;
    into[2] = 0xffff;
    into[3] = ipv4;
    return true;
  }
  return parseIpv6(text, into);
}

/** Returns the address as an unsigned 32-bit number, or -1 if `text[start, end)` is not one. */
function parseIpv4(text: string, start: number, end: number): number {
  let result = 0;
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || octets === 4) return -1;
      result = result * 256 + value;
      octets++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return -1;
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) return -1;
    } else {
      return -1;
    }
  }
  return octets === 4 ? result : -1;
}

function parseIpv6(text: string, into: IpAddress): boolean {
  const end = text.length;
  let count = 0;
  /** Where `::` stands, as an index into `groups`; -1 if absent. */
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (count === 8) return false;
    const groupStart = i;
    let value = 0;
    while (i < end && i - groupStart < 5) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit === -1) break;
      value = value * 16 + digit;
      i++;
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      // A trailing dotted IPv4 address fills the last two groups.
      if (count > 6) return false;
      const ipv4 = parseIpv4(text, groupStart, end);
      if (ipv4 === -1) return false;
      groups[count++] = ipv4 >>> 16;
      groups[count++] = ipv4 & 0xffff;
      break;
    }
    const digits = i - groupStart;
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (gap === -1 ? count !== 8 : count > 7) return false;

  // Expand `::` into zero groups while packing pairs of groups into words.
  const zeros = 8 - count;
  for (let word = 0; word < 4; word++) {
    into[word] = (groupAt(2 * word, gap, zeros) << 16) | groupAt(2 * word + 1, gap, zeros);
  }
  return true;
}

/** Group `position` of the full eight, given `zeros` zero groups inserted at `gap`. */
function groupAt(position: number, gap: number, zeros: number): number {
  if (gap === -1 || position < gap) return groups[position] ?? 0;
  if (position < gap + zeros) return 0;
  return groups[position - zeros] ?? 0;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Networks flattened for fast matching: per network, 4 masked address words then 4 mask words. */
type Networks = Int32Array;

function compileNetworks(cidrs: readonly string[]): Networks {
  const networks = new Int32Array(cidrs.length * 8);
  const address = newIpAddress();
  cidrs.forEach((cidr, n) => {
    const [text = "", lengthText = ""] = cidr.split("/");
    if (!parseIp(text, address)) throw new Error(`Invalid network address in ${cidr}`);
    const length = Number(lengthText) + (text.includes(":") ? 0 : 96);
    for (let word = 0; word < 4; word++) {
      const bits = Math.min(32, Math.max(0, length - 32 * word));
      const mask = bits === 0 ? 0 : -1 << (32 - bits);
      networks[n * 8 + word] = (address[word] ?? 0) & mask;
      networks[n * 8 + 4 + word] = mask;
    }
  });
  return networks;
}

function inAnyNetwork(address: IpAddress, networks: Networks): boolean {
  const a0 = address[0] ?? 0;
  const a1 = address[1] ?? 0;
  const a2 = address[2] ?? 0;
  const a3 = address[3] ?? 0;
  for (let n = 0; n < networks.length; n += 8) {
    if (
      (a0 & (networks[n + 4] ?? 0)) === networks[n] &&
      (a1 & (networks[n + 5] ?? 0)) === networks[n + 1] &&
      (a2 & (networks[n + 6] ?? 0)) === networks[n + 2] &&
      (a3 & (networks[n + 7] ?? 0)) === networks[n + 3]
    ) {
      return true;
    }
  }
  return false;
}
