// IPv4 addresses as the kernel's schedulers see them: `ntohl(addr)`, a host-order u32 held in a JS number.

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** "10.244.1.7" → 0x0af40107 (host order, unsigned). Throws on anything that is not a dotted quad. */
export function ipv4ToU32(addr: string): number {
  const parts = addr.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${addr}`);
  let v = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) throw new RangeError(`not an IPv4 address: ${addr}`);
    v = v * 256 + Number(part);
  }
  return v;
}

/** 0x0af40107 → "10.244.1.7". */
export function u32ToIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
