// Seeded random numbers with cheap independent named streams.
//
// Generator: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), 128-bit
// state, period 2^128 - 1, all-32-bit arithmetic (shifts, xors, adds) that V8 keeps in integer registers.
// Seeding: SplitMix64 (Steele, Lea & Flood 2014; the expansion Vigna recommends for xoshiro) run on
// (seed XOR a 64-bit hash of the stream name), so every (seed, name) pair starts at an unrelated point of
// the period. One stream per purpose (arrivals, service times, data-plane choices, per client group)
// means changing how one component draws never shifts another component's draws: the common random
// numbers a what-if comparison needs.

const TWO_POW_M32 = 2.3283064365386963e-10; // 2^-32
const MASK64 = (1n << 64n) - 1n;

// Tables for `exp`: -ln((k + 0.5) / 2^32) without Math.log (a C call costing twice the rest of a draw).
// x = k + 0.5 = m * 2^e with m in [1, 2) (e from Math.clz32); m is rounded to the nearest c = 1 + j/512 and
// ln m = ln c + log1p(r), r = (m - c) / c, |r| <= 2^-10, with log1p by its Taylor series to r^5 (truncation
// < 2e-16 relative). The tables hold ln(c / 2), so that for u just below 1 (e = 31, c = 2) the result is
// -log1p(r) itself, with no cancellation: the result is within 2 ulp of -Math.log(u) over the whole range.
const LOG_STEPS = 512;
const POW2_NEG = Float64Array.from({ length: 33 }, (_, i) => 2 ** (1 - i)); // 2^-e at index e + 1
const LN_HALF_C = Float64Array.from({ length: LOG_STEPS + 1 }, (_, j) => Math.log((1 + j / LOG_STEPS) / 2));
const INV_C = Float64Array.from({ length: LOG_STEPS + 1 }, (_, j) => 1 / (1 + j / LOG_STEPS));

/** SplitMix64's output function (Stafford's "Mix13" finaliser), on BigInt: used only when seeding. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a 64 over the UTF-8 bytes of the name: a stable, platform-independent key per stream name. */
function hashName(name: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(name)) {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  }
  return h;
}

function seedToBigInt(seed: number): bigint {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  return BigInt.asUintN(64, BigInt(seed));
}

/** xoshiro128** generator. State lives in four int32 fields; every method is allocation-free. */
export class Rng {
  // Initialised here to small integers so that V8 gives the fields an integer representation; a field
  // declared without a value is first defined as undefined and stays generic ("any") for good.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Stream `name` of `seed`: the same pair always gives the same sequence. */
  constructor(seed: number, name = '') {
    // SplitMix64 state = seed ^ H(name); two outputs fill the 128-bit xoshiro state.
    let x = (seedToBigInt(seed) ^ mix64(hashName(name))) & MASK64;
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    const a = mix64(x);
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    const b = mix64(x);
    this.s0 = Number(BigInt.asIntN(32, a));
    this.s1 = Number(BigInt.asIntN(32, a >> 32n));
    this.s2 = Number(BigInt.asIntN(32, b));
    this.s3 = Number(BigInt.asIntN(32, b >> 32n));
    // xoshiro's only forbidden state; SplitMix64 is a bijection so this needs a 2^-128 coincidence.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    // result = rotl(s1 * 5, 7) * 9 mod 2^32; multiplications by 5 and 9 as shift-and-add keep it in int32.
    const m = (s1 << 2) + s1;
    const r = (m << 7) | (m >>> 25);
    const s2 = this.s2 ^ this.s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return ((r << 3) + r) >>> 0;
  }

  /**
   * Uniform double in the open interval (0, 1): (k + 0.5) / 2^32 for a 32-bit k, so never 0 (safe for
   * Math.log) and never 1. One generator step; resolution 2^-32: tails reach the 1 - 2^-33 quantile (an
   * exponential's 23 means, a normal's 6.4 sigma), beyond what a run of fewer than 10^10 draws could show.
   */
  next(): number {
    return (this.nextU32() + 0.5) * TWO_POW_M32;
  }

  /**
   * Standard exponential draw (mean 1): -ln(u) for the u that `next()` would have returned, to 2 ulp,
   * from one generator step (see the tables above).
   */
  exp(): number {
    const k = this.nextU32();
    const e = 31 - Math.clz32(k); // floor(log2(k + 0.5)); -1 for k = 0
    const m = (k + 0.5) * POW2_NEG[e + 1]!;
    const j = ((m - 1) * LOG_STEPS + 0.5) | 0;
    const r = (m - (1 + j / LOG_STEPS)) * INV_C[j]!;
    // log1p(r) to r^5, grouped in pairs so the multiplications do not wait on each other.
    const r2 = r * r;
    const log1p = r + r2 * (-0.5 + r * 0.3333333333333333) + r2 * r2 * (-0.25 + r * 0.2);
    return (31 - e) * Math.LN2 - LN_HALF_C[j]! - log1p;
  }

  /**
   * Uniform integer in [0, n) without modulo bias, for 1 <= n <= 2^32. For n <= 2^21 (client, port and
   * connection picks) Lemire's multiply-and-shift method ("Fast Random Integer Generation in an Interval",
   * ACM TOMACS 2019; what Go's math/rand/v2 and NumPy use): floor(r * n / 2^32), rejecting the few low
   * products that would bias it. r * n < 2^53 is exact in a double, so no integer division is needed
   * except, rarely (probability n / 2^32), for the rejection threshold. Larger n: OpenBSD's
   * arc4random_uniform (threshold 2^32 mod n, then r mod n).
   */
  int(n: number): number {
    const m = n >>> 0;
    if (m !== n) return this.intWide(n);
    if (m <= 0x200000) {
      let x = this.nextU32() * m;
      let hi = Math.floor(x * TWO_POW_M32);
      let lo = x - hi * 4294967296;
      if (lo < m) {
        // 2^32 mod m: low parts below it belong to a value that would otherwise come up once too often.
        const threshold = ((-m >>> 0) % m) >>> 0;
        while (lo < threshold) {
          x = this.nextU32() * m;
          hi = Math.floor(x * TWO_POW_M32);
          lo = x - hi * 4294967296;
        }
      }
      return hi;
    }
    let r = this.nextU32();
    // Draws below 2^32 mod m would make the low residues more likely; that threshold is below m, so it
    // needs computing (a second division) only for a draw below m.
    if (r < m) {
      const threshold = ((-m >>> 0) % m) >>> 0;
      while (r < threshold) r = this.nextU32();
    }
    return r % m;
  }

  /** `int` for n = 2^32 (and whatever else is not a uint32), in doubles. */
  private intWide(n: number): number {
    const threshold = 4294967296 % n;
    let r = this.nextU32();
    while (r < threshold) r = this.nextU32();
    return r % n;
  }
}

/**
 * The independent streams of one run. `get(name)` returns the run's generator for that purpose, creating it
 * on first use; the same name always returns the same instance (shared state), so two components that need
 * independent draws must use different names (e.g. `service/web`, `service/api`).
 */
export class Streams {
  readonly seed: number;
  private readonly byName = new Map<string, Rng>();

  constructor(seed: number) {
    seedToBigInt(seed);
    this.seed = seed;
  }

  get(name: string): Rng {
    let rng = this.byName.get(name);
    if (rng === undefined) {
      rng = new Rng(this.seed, name);
      this.byName.set(name, rng);
    }
    return rng;
  }
}

/** Seed of replication `index` derived from a run's base seed: independent of the base's own streams. */
export function replicationSeed(seed: number, index: number): number {
  const z = mix64((seedToBigInt(seed) + BigInt(index + 1) * 0x9e3779b97f4a7c15n) & MASK64);
  return Number(z >> 11n); // 53 bits: always a safe integer
}
