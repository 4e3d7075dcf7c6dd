import { describe, expect, it } from 'vitest';
import { cidrContains, clusterCidrForFamily, parseCidr, parseIPv4, parseIPv6 } from '../../src/dataplane/ip.js';

describe('address parsing', () => {
  it('parses dotted quads to host-order u32', () => {
    expect(parseIPv4('10.244.1.7')).toBe(0x0af40107);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(() => parseIPv4('10.244.1')).toThrow();
    expect(() => parseIPv4('10.244.1.256')).toThrow();
  });

  it('parses IPv6 with :: compression and a trailing dotted quad', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('fd00::1:2')).toBe((0xfd00n << 112n) | (1n << 16n) | 2n);
    expect(parseIPv6('::ffff:10.0.0.1')).toBe((0xffffn << 32n) | 0x0a000001n);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(() => parseIPv6('1::2::3')).toThrow();
  });

  it('tests CIDR membership per family', () => {
    const v4 = parseCidr('10.244.0.0/16');
    expect(cidrContains(v4, '10.244.255.1')).toBe(true);
    expect(cidrContains(v4, '10.245.0.1')).toBe(false);
    expect(cidrContains(v4, 'fd00::1')).toBe(false);
    expect(cidrContains(parseCidr('fd00:10::/32'), 'fd00:10:1::5')).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0'), '192.0.2.1')).toBe(true);
  });

  it('picks the --cluster-cidr entry of the proxier family', () => {
    expect(clusterCidrForFamily('10.244.0.0/16,fd00:10::/48', 'IPv6')?.prefix).toBe(48);
    expect(clusterCidrForFamily('fd00:10::/48', 'IPv4')).toBeNull();
    expect(clusterCidrForFamily(undefined, 'IPv4')).toBeNull();
  });
});
