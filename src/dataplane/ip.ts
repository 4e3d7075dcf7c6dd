// Address parsing for the decisions kube-proxy's rules make on addresses: which family an endpoint is,
// whether a source lies in `--cluster-cidr` (the `! -s <clusterCIDR>` masquerade rule, the ETP=Local
// pod short-circuit), and the u32 key affinity tables use for IPv4 clients.

import type { IPFamily } from '../scenario/cluster.js';

/** utilnet.IsIPv6String: kube-proxy decides the family of an endpoint address by its syntax. */
export function addressFamily(address: string): IPFamily {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** "10.244.1.7" → 0x0af40107 (host order, unsigned). Throws on anything but a dotted quad. */
export function parseIPv4(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${address}`);
  let v = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) throw new RangeError(`not an IPv4 address: ${address}`);
    v = v * 256 + Number(part);
  }
  return v;
}

/** 0x0af40107 → "10.244.1.7". */
export function formatIPv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** An IPv6 address as a 128-bit BigInt (accepts `::` compression and a trailing dotted quad). */
export function parseIPv6(address: string): bigint {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tailWords: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) > lastColon) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    tailWords = [v4 >>> 16, v4 & 0xffff];
    // "::1.2.3.4" leaves ":" before the quad: restore the "::" it was part of.
    text = text.slice(0, lastColon);
    if (text.endsWith(':')) text = `${text}:`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`not an IPv6 address: ${address}`);
  const parseGroups = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`not an IPv6 address: ${address}`);
          return Number.parseInt(g, 16);
        });
  const head = parseGroups(halves[0] ?? '');
  const tail = [...parseGroups(halves[1] ?? ''), ...tailWords];
  let words: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) throw new RangeError(`not an IPv6 address: ${address}`);
    words = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    words = [...head, ...tail];
  }
  if (words.length !== 8) throw new RangeError(`not an IPv6 address: ${address}`);
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** A parsed CIDR: family, network bits and prefix length. */
export interface Cidr {
  family: IPFamily;
  network: bigint;
  prefix: number;
}

/** "10.244.0.0/16" → Cidr. Throws on malformed input. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new RangeError(`not a CIDR: ${text}`);
  const addr = text.slice(0, slash);
  const prefix = Number(text.slice(slash + 1));
  const family = addressFamily(addr);
  const bits = family === 'IPv4' ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new RangeError(`not a CIDR: ${text}`);
  const value = family === 'IPv4' ? BigInt(parseIPv4(addr)) : parseIPv6(addr);
  return { family, network: value >> BigInt(bits - prefix), prefix };
}

/** Parsed `--cluster-cidr` values: a run asks for the same one on every connection. */
const cidrCache = new Map<string, Cidr | null>();

/**
 * `--cluster-cidr` may list one CIDR per family, comma-separated; kube-proxy's per-family local-traffic
 * detector uses the one of its own family (pkg/proxy/util/iptables/traffic.go, cmd/kube-proxy).
 */
export function clusterCidrForFamily(clusterCIDR: string | null | undefined, family: IPFamily): Cidr | null {
  if (!clusterCIDR) return null;
  const key = `${family} ${clusterCIDR}`;
  const cached = cidrCache.get(key);
  if (cached !== undefined) return cached;
  let found: Cidr | null = null;
  for (const part of clusterCIDR.split(',')) {
    const trimmed = part.trim();
    if (trimmed !== '' && addressFamily(trimmed.slice(0, trimmed.indexOf('/'))) === family) {
      found = parseCidr(trimmed);
      break;
    }
  }
  cidrCache.set(key, found);
  return found;
}

/** Whether `address` lies in `cidr` (always false across families). */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const family = addressFamily(address);
  if (family !== cidr.family) return false;
  const bits = family === 'IPv4' ? 32 : 128;
  const value = family === 'IPv4' ? BigInt(parseIPv4(address)) : parseIPv6(address);
  return value >> BigInt(bits - cidr.prefix) === cidr.network;
}
