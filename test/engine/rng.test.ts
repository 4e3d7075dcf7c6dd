import { describe, expect, it } from 'vitest';
import { normalQuantile, Rng, replicationSeed, Streams } from '../../src/engine/index.js';

/** Two-sided standard normal quantile for a confidence level. */
const z = (level: number): number => normalQuantile(0.5 + level / 2);

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  it('matches the reference C implementation', () => {
    // Outputs of the reference C code (xoshiro128starstar.c and splitmix64.c from prng.di.unimi.it),
    // seeded as rng.ts documents: SplitMix64 state = seed ^ mix64(FNV-1a-64(name)).
    const vectors: [number, string, number[]][] = [
      [0, '', [1881086885, 3293861117, 2451669338, 4071360368, 1410356445]],
      [42, 'arrivals', [1505937857, 829116205, 2313846860, 1189169180, 4189322620]],
      [9007199254740991, 'service/web', [517837154, 1105711934, 3274210780, 369114164, 3545903863]],
      [-1, 'x', [1886285426, 2102987352, 1930241959]],
    ];
    for (const [seed, name, expected] of vectors) {
      const rng = new Rng(seed, name);
      expect(expected.map(() => rng.nextU32())).toEqual(expected);
    }
  });

  it('next() is uniform on the open interval (0, 1): chi-square over 100 cells', () => {
    const rng = new Rng(3, 'uniform');
    const n = 1_000_000;
    const cells = new Float64Array(100);
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      cells[Math.floor(u * 100)]!++;
      if (u < min) min = u;
      if (u > max) max = u;
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    const expected = n / 100;
    let chi2 = 0;
    for (const c of cells) chi2 += (c - expected) ** 2 / expected;
    // 99.99 % quantile of chi-square with 99 degrees of freedom (Wilson–Hilferty): about 157.
    const df = 99;
    const limit = df * (1 - 2 / (9 * df) + z(0.9998) * Math.sqrt(2 / (9 * df))) ** 3;
    expect(chi2).toBeLessThan(limit);
  });

  it('exp() equals -ln(next()) of the same draw to 2 ulp, at the extremes too', () => {
    const a = new Rng(5, 'exp');
    const b = new Rng(5, 'exp');
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const e = a.exp();
      const ref = -Math.log(b.next());
      worst = Math.max(worst, Math.abs(e - ref) / ref);
    }
    expect(worst).toBeLessThan(4.5e-16);
    // Mean 1, checked against the 99.99 % interval of the sample mean (sd 1).
    const rng = new Rng(6, 'exp-mean');
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += rng.exp();
    expect(Math.abs(sum / 1e6 - 1)).toBeLessThan(z(0.9999) / 1000);
  });

  it('int(n) is unbiased and in range, also for n not a power of two', () => {
    const rng = new Rng(7, 'int');
    for (const n of [1, 3, 10, 1000, 2 ** 32 - 5]) {
      for (let i = 0; i < 1000; i++) {
        const k = rng.int(n);
        expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
      }
    }
    // n = 3 * 2^30: plain modulo would make the low third 2x as likely; each third must hold 1/3.
    const n = 3 * 2 ** 30;
    const draws = 300_000;
    const thirds = [0, 0, 0];
    for (let i = 0; i < draws; i++) thirds[Math.floor(rng.int(n) / 2 ** 30)]!++;
    const sd = Math.sqrt(draws * (1 / 3) * (2 / 3));
    for (const t of thirds) expect(Math.abs(t - draws / 3)).toBeLessThan(z(0.9999) * sd);
  });

  it('int(n) is exactly Lemire multiply-shift (n <= 2^21) or OpenBSD rejection (larger n) on the same stream', () => {
    // References in BigInt arithmetic, straight from the papers: a fast path must never change a draw.
    const lemire = (g: Rng, n: number): number => {
      const N = BigInt(n);
      const threshold = (2n ** 32n - N) % N;
      for (;;) {
        const x = BigInt(g.nextU32()) * N;
        if ((x & 0xffffffffn) >= threshold) return Number(x >> 32n);
      }
    };
    const openbsd = (g: Rng, n: number): number => {
      const threshold = 4294967296 % n;
      let r = g.nextU32();
      while (r < threshold) r = g.nextU32();
      return r % n;
    };
    const sizes = [
      1,
      2,
      3,
      7,
      28232,
      2 ** 21 - 1,
      2 ** 21,
      2 ** 21 + 1,
      2 ** 31 - 1,
      2 ** 31,
      3 * 2 ** 30,
      2 ** 32 - 1,
      2 ** 32,
    ];
    for (const n of sizes) {
      const fast = new Rng(8, `int-${n}`);
      const slow = new Rng(8, `int-${n}`);
      const reference = n <= 2 ** 21 ? lemire : openbsd;
      for (let i = 0; i < 2000; i++) expect(fast.int(n)).toBe(reference(slow, n));
    }
  });
});

describe('Streams', () => {
  it('gives each name its own generator, the same instance on every get', () => {
    const s = new Streams(42);
    expect(s.get('arrivals')).toBe(s.get('arrivals'));
    expect(s.get('arrivals')).not.toBe(s.get('service'));
  });

  it('is reproducible: the same (seed, name) gives the same sequence in a fresh Streams', () => {
    const a = new Streams(42).get('service/web');
    const b = new Streams(42).get('service/web');
    const c = new Streams(43).get('service/web');
    const xs = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('draws from one stream do not move another', () => {
    const s1 = new Streams(9);
    const s2 = new Streams(9);
    for (let i = 0; i < 1000; i++) s1.get('service').next(); // only in the first run
    const a = Array.from({ length: 16 }, () => s1.get('arrivals').nextU32());
    const b = Array.from({ length: 16 }, () => s2.get('arrivals').nextU32());
    expect(a).toEqual(b);
  });

  it('streams with related names are uncorrelated (correlation within its 99.99 % interval)', () => {
    const s = new Streams(1);
    for (const [x, y] of [
      ['client/0', 'client/1'],
      ['a', 'b'],
      ['arrivals', 'arrivals '],
    ] as const) {
      const rx = s.get(x);
      const ry = s.get(y);
      const n = 200_000;
      let sxy = 0;
      for (let i = 0; i < n; i++) sxy += (rx.next() - 0.5) * (ry.next() - 0.5);
      // Sample correlation of independent uniforms: mean 0, sd 1/sqrt(n).
      const r = sxy / n / (1 / 12);
      expect(Math.abs(r)).toBeLessThan(z(0.9999) / Math.sqrt(n));
    }
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Streams(1.5)).toThrow(RangeError);
    expect(() => new Streams(2 ** 53)).toThrow(RangeError);
  });
});

describe('replicationSeed', () => {
  it('derives distinct, reproducible safe-integer seeds', () => {
    const seeds = Array.from({ length: 100 }, (_, i) => replicationSeed(42, i));
    expect(new Set(seeds).size).toBe(100);
    expect(seeds.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
    expect(replicationSeed(42, 3)).toBe(seeds[3]);
    expect(replicationSeed(43, 3)).not.toBe(seeds[3]);
  });
});
