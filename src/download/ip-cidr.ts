// IP address and CIDR parsing and matching (pure), for IPv4 and IPv6.

/** An address as a number, so that prefix matching is a shift. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** A network: the first `prefix` bits of `base` are fixed. */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4Text = new RegExp(`^${octet}(\\.${octet}){3}$`);
const hextetText = /^[0-9a-f]{1,4}$/i;
const zoneText = /^[0-9a-zA-Z.:-]+$/;

/** How many 16-bit groups a side of "::" holds (an IPv4 tail counts two), or -1 if malformed. */
function groupCount(side: string, last: boolean): number {
  if (side === "") return 0;
  const parts = side.split(":");
  let groups = 0;
  for (const [index, part] of parts.entries()) {
    if (last && index === parts.length - 1 && ipv4Text.test(part)) groups += 2;
    else if (hextetText.test(part)) groups += 1;
    else return -1;
  }
  return groups;
}

/**
 * 4 or 6 for an IPv4 (dotted quad, no leading zeros) or IPv6 address (with at most one "::",
 * an optional IPv4 tail and an optional "%zone"), else 0: what node:net's isIP says, without
 * loading node:net, which costs several milliseconds of every start.
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (ipv4Text.test(text)) return 4;
  const zone = text.indexOf("%");
  // A zone, after the address: letters, digits, "-", "." and ":", as node:net takes it.
  if (zone === 0 || (zone > 0 && !zoneText.test(text.slice(zone + 1)))) return 0;
  const sides = (zone > 0 ? text.slice(0, zone) : text).split("::");
  if (sides.length > 2) return 0;
  const [head = "", tail] = sides;
  if (tail === undefined) return groupCount(head, true) === 8 ? 6 : 0;
  const front = groupCount(head, false);
  const back = groupCount(tail, true);
  return front >= 0 && back >= 0 && front + back <= 7 ? 6 : 0;
}

function parseIPv4(text: string): bigint {
  return text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Hextets of one side of "::"; an embedded IPv4 tail counts as two. */
function hextets(side: string): bigint[] {
  if (side === "") return [];
  const out: bigint[] = [];
  for (const part of side.split(":")) {
    if (part.includes(".")) {
      const v4 = parseIPv4(part);
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else {
      out.push(BigInt(Number.parseInt(part, 16)));
    }
  }
  return out;
}

function parseIPv6(text: string): bigint {
  const [head = "", tail] = text.split("::");
  const front = hextets(head);
  const back = tail === undefined ? [] : hextets(tail);
  const zeros: bigint[] = new Array(8 - front.length - back.length).fill(0n);
  return [...front, ...zeros, ...back].reduce((acc, h) => (acc << 16n) | h, 0n);
}

const mappedPrefix = 0xffffn << 32n;

/**
 * Parses an IPv4 or IPv6 address, with or without URL brackets and zone id. An IPv4-mapped
 * IPv6 address (`::ffff:127.0.0.1`) is returned as the IPv4 address it stands for, so that
 * IPv4 networks match it. Anything else: undefined.
 */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = ipFamily(bare);
  if (family === 4) return { family: 4, value: parseIPv4(bare) };
  if (family !== 6) return undefined;
  const value = parseIPv6(bare);
  if (value >> 32n === 0xffffn) return { family: 4, value: value ^ mappedPrefix };
  return { family: 6, value };
}

/** Parses `a.b.c.d/n` or `v6::/n`; a bare address is a network of one. Otherwise undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const [addressText = "", prefixText, extra] = text.split("/");
  if (extra !== undefined) return undefined;
  const bare = addressText.replace(/^\[(.*)\]$/, "$1");
  const family = ipFamily(bare);
  if (family !== 4 && family !== 6) return undefined;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? "0") || prefix > bits) return undefined;
  if (family === 4) return { family, base: parseIPv4(bare), prefix };
  const base = parseIPv6(bare);
  // Mapped addresses are matched as IPv4 (see parseIp), so a mapped network must be one too.
  if (base >> 32n === 0xffffn && prefix >= 96) {
    return { family: 4, base: base ^ mappedPrefix, prefix: prefix - 96 };
  }
  return { family, base, prefix };
}

/** True when `ip` lies in `cidr`. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return cidr.base >> shift === ip.value >> shift;
}
