import { describe, expect, it } from 'vitest';
import { ipv4ToU32 } from '../../../src/dataplane/ipvs/index.js';
import { SH_TAB_SIZE, type ShScheduler } from '../../../src/dataplane/ipvs/sh.js';
import { named } from './helpers.js';

// Independent of the implementation: hash_32(v, 8) = (v * 0x61C88647 mod 2^32) >> 24 in BigInt arithmetic.
function bucketOf(ip: number, port = 0, offset = 0): number {
  const v = BigInt((ip + port) % 2 ** 32);
  return (offset + Number(((v * 0x61c88647n) & 0xffffffffn) >> 24n)) & 255;
}

const shOf = (n: ReturnType<typeof named>) => n.svc.scheduler as ShScheduler;
const BASE = ipv4ToU32('172.16.0.0');

describe('sh (ip_vs_sh.c)', () => {
  it('fills the 256 buckets in list order, `weight` consecutive buckets per real server per cycle', () => {
    // Added A:1, B:2, C:3 → list C, B, A → C C C B B A | C C C B B A … 256 = 42 × 6 + 4 → C C C B.
    const n = named({ scheduler: 'sh' }, [
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);
    const owners = Array.from(shOf(n).buckets, (s) => n.name(s));
    expect(owners.slice(0, 12).join('')).toBe('CCCBBACCCBBA');
    expect(owners.slice(252).join('')).toBe('CCCB');
    const count = (x: string) => owners.filter((o) => o === x).length;
    expect([count('A'), count('B'), count('C')]).toEqual([42, 85, 129]);
  });

  it('maps one source address to the same real server every time', () => {
    const n = named({ scheduler: 'sh' }, [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    const client = ipv4ToU32('10.1.2.3');
    const first = n.pick(0, client);
    for (let k = 0; k < 20; k++) {
      n.pick(0); // other clients in between change nothing
      expect(n.pick(0, client, 40000 + k)).toBe(first);
    }
  });

  it('splits a /16 of clients exactly as the bucket table says', () => {
    const n = named({ scheduler: 'sh' }, [
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);
    const owner = Array.from(shOf(n).buckets, (s) => n.name(s));
    const expected: Record<string, number> = { A: 0, B: 0, C: 0 };
    const got: Record<string, number> = { A: 0, B: 0, C: 0 };
    for (let k = 0; k < 65536; k++) {
      expected[owner[bucketOf(BASE + k)]!]!++;
      got[n.pick(0, BASE + k)!]!++;
    }
    expect(got).toEqual(expected);
    // The multiplicative hash spreads consecutive addresses evenly: each dest gets its bucket share (42, 85,
    // 129 of 256) of the 65536 clients within 1 %.
    expect(got.A! / 65536).toBeCloseTo(42 / 256, 2);
    expect(got.B! / 65536).toBeCloseTo(85 / 256, 2);
    expect(got.C! / 65536).toBeCloseTo(129 / 256, 2);
  });

  it('lets a weight-0 real server keep its buckets: its clients are dropped, or re-probed with sh-fallback', () => {
    // ip_vs_sh_reassign gives weight 0 one bucket per cycle (`++d_count >= 0`); lookup rejects weight <= 0.
    const dests = [
      ['A', 1],
      ['B', 1],
      ['C', 0],
    ] as const;
    const plain = named({ scheduler: 'sh' }, dests);
    const fb = named({ scheduler: 'sh', flags: { fallback: true } }, dests);
    const owner = Array.from(shOf(plain).buckets, (s) => plain.name(s));
    expect(owner.slice(0, 6).join('')).toBe('CBACBA');
    let dropped = 0;
    for (let k = 0; k < 4096; k++) {
      const ip = BASE + k * 7;
      const ihash = bucketOf(ip);
      if (owner[ihash] === 'C') {
        dropped++;
        expect(plain.pick(0, ip)).toBeNull();
        // ip_vs_sh_get_fallback probes key(roffset) with roffset = offset + ihash: bucket (2·ihash + offset) & 255.
        let want: string | null = null;
        for (let offset = 0; offset < SH_TAB_SIZE && want === null; offset++) {
          const o = owner[bucketOf(ip, 0, (offset + ihash) % 256)]!;
          if (o !== 'C') want = o;
        }
        expect(fb.pick(0, ip)).toBe(want);
      } else {
        expect(plain.pick(0, ip)).toBe(owner[ihash]);
        expect(fb.pick(0, ip)).toBe(owner[ihash]);
      }
    }
    expect(dropped).toBeGreaterThan(1000); // C owns 86 of 256 buckets
  });

  it('hashes the client port too with sh-port', () => {
    const n = named({ scheduler: 'sh', flags: { port: true } }, [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    const owner = Array.from(shOf(n).buckets, (s) => n.name(s));
    const ip = ipv4ToU32('10.9.8.7');
    const seen = new Set<string | null>();
    for (let port = 30000; port < 30100; port++) {
      const got = n.pick(0, ip, port);
      expect(got).toBe(owner[bucketOf(ip, port)]);
      seen.add(got);
    }
    expect(seen.size).toBe(3);
  });

  it('refills the table on a weight edit (upd_dest) and on add/delete', () => {
    const n = named({ scheduler: 'sh' }, [
      ['A', 1],
      ['B', 1],
    ]);
    const table = () => Array.from(shOf(n).buckets, (s) => n.name(s)).join('');
    expect(table().slice(0, 4)).toBe('BABA');
    n.svc.editWeight(n.slot('B'), 3);
    expect(table().slice(0, 8)).toBe('BBBABBBA');
    n.add('C', 1);
    expect(table().slice(0, 5)).toBe('CBBBA');
    n.svc.delDest(n.slot('B'));
    expect(table().slice(0, 4)).toBe('CACA');
  });

  it('maps a client to different endpoints on nodes whose kube-proxy added them in a different order', () => {
    const dests = [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ] as const;
    const node1 = named({ scheduler: 'sh' }, dests);
    const node2 = named({ scheduler: 'sh' }, [...dests].reverse());
    // Bucket i belongs to list[i % 3] on both nodes; the lists are C, B, A and A, B, C: only B's buckets agree.
    let differ = 0;
    let expected = 0;
    for (let k = 0; k < 3000; k++) {
      if (node1.pick(0, BASE + k) !== node2.pick(0, BASE + k)) differ++;
      if (bucketOf(BASE + k) % 3 !== 1) expected++;
    }
    expect(differ).toBe(expected);
    expect(differ / 3000).toBeCloseTo(2 / 3, 1);
  });
});
