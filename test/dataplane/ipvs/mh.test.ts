import { describe, expect, it } from 'vitest';
import { ipv4ToU32 } from '../../../src/dataplane/ipvs/index.js';
import { MH_TAB_SIZE, type MhScheduler } from '../../../src/dataplane/ipvs/mh.js';
import { named } from './helpers.js';
import { hsiphashU32Ref } from './sipref.js';

const M = 4093;
const K1 = 2654435761;
const K2 = 2654446892;
const addrOf = (i: number) => ipv4ToU32(`10.244.${i}.${10 + i}`);
const PORT = 8080;

interface RefDest {
  name: string;
  addr: number;
  lastWeight: number;
}

/**
 * Maglev table as ip_vs_mh.c builds it, from the BigInt hsiphash reference: per dest (list order) offset =
 * h1 % M, skip = h2 % (M-1) + 1, turns = ((lw / gcd) >> rshift) || (lw != 0); rounds over the list, each dest
 * claiming `turns` entries, each the next free one of its permutation.
 */
function refTable(list: RefDest[], longBits: 64 | 32 = 64): Array<string | null> {
  const positive = list.map((d) => d.lastWeight).filter((w) => w > 0);
  const table: Array<string | null> = new Array(M).fill(null);
  if (positive.length === 0) return table;
  const g = positive.reduce((a, b) => {
    while (b) [a, b] = [b, a % b];
    return a;
  });
  const maxW = Math.max(...list.map((d) => d.lastWeight));
  const rshift = Math.max(0, Math.floor(Math.log2(Math.floor(maxW / g))) + 1 - 6);
  const perms = list.map((d) => {
    const h1 = hsiphashU32Ref(PORT + d.addr, K1, longBits);
    const h2 = hsiphashU32Ref(PORT + d.addr, K2, longBits);
    const turnsRaw = Math.floor(d.lastWeight / g) >> rshift;
    return {
      name: d.name,
      next: h1 % M,
      skip: (h2 % (M - 1)) + 1,
      turns: turnsRaw || (d.lastWeight !== 0 ? 1 : 0),
    };
  });
  let filled = 0;
  while (filled < M) {
    for (const p of perms) {
      for (let k = 0; k < p.turns && filled < M; k++) {
        while (table[p.next] !== null) p.next = (p.next + p.skip) % M;
        table[p.next] = p.name;
        filled++;
      }
    }
  }
  return table;
}

const tableOf = (n: ReturnType<typeof named>) => Array.from((n.svc.scheduler as MhScheduler).lookup, (s) => n.name(s));

describe('mh (ip_vs_mh.c)', () => {
  it('builds the same 4093-entry table as an independent Maglev computation', () => {
    const dests = [
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ] as const;
    const n = named({ scheduler: 'mh' }, dests, addrOf);
    const list = dests.map(([name, w], i) => ({ name, addr: addrOf(i), lastWeight: w })).reverse();
    expect(MH_TAB_SIZE).toBe(M);
    expect(tableOf(n)).toEqual(refTable(list));
  });

  it('gives the first dest in the list the head of its permutation (offset = h1(addr, port) % M)', () => {
    const n = named({ scheduler: 'mh' }, [['A', 1]], addrOf);
    const offset = hsiphashU32Ref(PORT + addrOf(0), K1, 64) % M;
    const skip = (hsiphashU32Ref(PORT + addrOf(0), K2, 64) % (M - 1)) + 1;
    const t = tableOf(n);
    expect(t.every((x) => x === 'A')).toBe(true);
    n.add('B', 1);
    const t2 = tableOf(n);
    // B is first in the list now and claims its own offset; A's first claim is its offset unless B took it.
    const offB = hsiphashU32Ref(PORT + addrOf(1), K1, 64) % M;
    expect(t2[offB]).toBe('B');
    expect(t2[offset === offB ? (offset + skip) % M : offset]).toBe('A');
  });

  it('shares the table in proportion to the weights: 1:2:3 → 682, 1364, 2047 entries', () => {
    // Rounds of C×3, B×2, A×1 (list C, B, A): 682 rounds fill 4092, the 4093rd entry goes to C.
    const n = named(
      { scheduler: 'mh' },
      [
        ['A', 1],
        ['B', 2],
        ['C', 3],
      ],
      addrOf,
    );
    const t = tableOf(n);
    const count = (x: string) => t.filter((o) => o === x).length;
    expect([count('A'), count('B'), count('C')]).toEqual([682, 1364, 2047]);
    // Scaled weights give the same table (divided by their gcd).
    const scaled = named(
      { scheduler: 'mh' },
      [
        ['A', 100],
        ['B', 200],
        ['C', 300],
      ],
      addrOf,
    );
    expect(tableOf(scaled)).toEqual(t);
  });

  it('shifts large weight ratios down to 6 bits: 1 and 1000 → turns 1 and 62', () => {
    // rshift = fls(1000) - 6 = 4: A's 1 >> 4 = 0 → 1 (lw != 0); B: 1000 >> 4 = 62. List B, A; rounds of 63:
    // 64 full rounds = 4032, then B claims the last 61 → B 64 × 62 + 61 = 4029, A 64.
    const n = named(
      { scheduler: 'mh' },
      [
        ['A', 1],
        ['B', 1000],
      ],
      addrOf,
    );
    const t = tableOf(n);
    expect(t.filter((o) => o === 'A').length).toBe(64);
    expect(t.filter((o) => o === 'B').length).toBe(4029);
  });

  it('looks a client up at entry h1(client) % M, the same every time', () => {
    const n = named(
      { scheduler: 'mh' },
      [
        ['A', 1],
        ['B', 1],
        ['C', 1],
        ['D', 1],
      ],
      addrOf,
    );
    const t = tableOf(n);
    const counts = new Map<string | null, number>();
    for (let k = 0; k < 2000; k++) {
      const ip = ipv4ToU32('192.168.0.0') + k * 13;
      const want = t[hsiphashU32Ref(ip, K1, 64) % M];
      expect(n.pick(0, ip)).toBe(want);
      expect(n.pick(5, ip, 50000)).toBe(want); // the port is not hashed without mh-port
      counts.set(want ?? null, (counts.get(want ?? null) ?? 0) + 1);
    }
    // Equal weights: each of 4 dests owns 1023 or 1024 entries, so each gets a quarter of the clients; with 2000
    // clients the binomial 99.9 % interval is 500 ± 3.29 × sqrt(2000 × 0.25 × 0.75) ≈ 500 ± 64.
    for (const name of ['A', 'B', 'C', 'D']) expect(Math.abs(counts.get(name)! - 500)).toBeLessThan(64);
  });

  it('keeps the table when a weight drops to 0 (last_weight); lookups there fail, or fall back with mh-fallback', () => {
    const dests = [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ] as const;
    const plain = named({ scheduler: 'mh' }, dests, addrOf);
    const fb = named({ scheduler: 'mh', flags: { fallback: true } }, dests, addrOf);
    const before = tableOf(plain);
    plain.svc.editWeight(plain.slot('B'), 0);
    fb.svc.editWeight(fb.slot('B'), 0);
    expect(tableOf(plain)).toEqual(before);
    let onB = 0;
    for (let k = 0; k < 1500; k++) {
      const ip = ipv4ToU32('192.168.0.0') + k * 31;
      const ihash = hsiphashU32Ref(ip, K1, 64) % M;
      if (before[ihash] === 'B') {
        onB++;
        expect(plain.pick(0, ip)).toBeNull();
        // ip_vs_mh_get_fallback: entries h1(ip + roffset) % M for roffset = ihash, ihash + 1, …
        let want: string | null = null;
        for (let off = 0; want === null; off++) {
          const e = before[hsiphashU32Ref(ip + ((off + ihash) % M), K1, 64) % M]!;
          if (e !== 'B') want = e;
        }
        expect(fb.pick(0, ip)).toBe(want);
      } else {
        // Clients of A and C do not move.
        expect(plain.pick(0, ip)).toBe(before[ihash]);
        expect(fb.pick(0, ip)).toBe(before[ihash]);
      }
    }
    expect(onB).toBeGreaterThan(300);
  });

  it('rebuilds the table when a dest is deleted, and follows the 32-bit kernel hash when asked', () => {
    const dests = [
      ['A', 2],
      ['B', 1],
      ['C', 1],
    ] as const;
    const n = named({ scheduler: 'mh' }, dests, addrOf);
    n.svc.delDest(n.slot('B'));
    const list = [
      { name: 'C', addr: addrOf(2), lastWeight: 1 },
      { name: 'A', addr: addrOf(0), lastWeight: 2 },
    ];
    expect(tableOf(n)).toEqual(refTable(list));
    const n32 = named({ scheduler: 'mh', flags: { longBits: 32 } }, dests, addrOf);
    const list32 = dests.map(([name, w], i) => ({ name, addr: addrOf(i), lastWeight: w })).reverse();
    expect(tableOf(n32)).toEqual(refTable(list32, 32));
    expect(tableOf(n32)).not.toEqual(refTable(list32, 64));
  });

  it('hashes the client port too with mh-port', () => {
    const n = named(
      { scheduler: 'mh', flags: { port: true } },
      [
        ['A', 1],
        ['B', 1],
      ],
      addrOf,
    );
    const t = tableOf(n);
    const ip = ipv4ToU32('10.9.8.7');
    for (let port = 30000; port < 30050; port++) {
      expect(n.pick(0, ip, port)).toBe(t[hsiphashU32Ref(ip + port, K1, 64) % M]);
    }
  });
});
