// The kernel hash functions the IPVS schedulers use, bit-exact, on u32 values held in JS numbers.

/**
 * `hash_32(val, bits)` from include/linux/hash.h (v4.7+, generic `__hash_32`, used by x86 and arm64):
 * `(val * GOLDEN_RATIO_32) >> (32 - bits)` with GOLDEN_RATIO_32 = 0x61C88647, in u32 arithmetic.
 */
export function hash32(val: number, bits: number): number {
  return Math.imul(val, 0x61c88647) >>> (32 - bits);
}

/**
 * `hsiphash_key_t` is `unsigned long key[2]` (include/linux/siphash.h): two 64-bit words on a 64-bit kernel,
 * two 32-bit words on a 32-bit one. Each word is given as its high and low 32-bit halves (the high half is
 * ignored by the 32-bit variant).
 */
export interface HsiphashKey {
  readonly k0hi: number;
  readonly k0lo: number;
  readonly k1hi: number;
  readonly k1lo: number;
}

// v0..v3 of the 64-bit state, each as [hi, lo]; module-level so a hash allocates nothing.
const st = new Uint32Array(8);

// SIPHASH_PERMUTATION (include/linux/siphash.h) on 64-bit words emulated with 32-bit halves:
// a += b; b = rol64(b, 13); b ^= a; a = rol64(a, 32); c += d; d = rol64(d, 16); d ^= c;
// a += d; d = rol64(d, 21); d ^= a; c += b; b = rol64(b, 17); b ^= c; c = rol64(c, 32)
function sipRound(): void {
  let v0h = st[0]!;
  let v0l = st[1]!;
  let v1h = st[2]!;
  let v1l = st[3]!;
  let v2h = st[4]!;
  let v2l = st[5]!;
  let v3h = st[6]!;
  let v3l = st[7]!;
  let lo: number;
  let t: number;
  // v0 += v1
  lo = v0l + v1l;
  v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = lo >>> 0;
  // v1 = rol64(v1, 13); v1 ^= v0
  t = v1h;
  v1h = (((v1h << 13) | (v1l >>> 19)) ^ v0h) >>> 0;
  v1l = (((v1l << 13) | (t >>> 19)) ^ v0l) >>> 0;
  // v0 = rol64(v0, 32)
  t = v0h;
  v0h = v0l;
  v0l = t;
  // v2 += v3
  lo = v2l + v3l;
  v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = lo >>> 0;
  // v3 = rol64(v3, 16); v3 ^= v2
  t = v3h;
  v3h = (((v3h << 16) | (v3l >>> 16)) ^ v2h) >>> 0;
  v3l = (((v3l << 16) | (t >>> 16)) ^ v2l) >>> 0;
  // v0 += v3
  lo = v0l + v3l;
  v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = lo >>> 0;
  // v3 = rol64(v3, 21); v3 ^= v0
  t = v3h;
  v3h = (((v3h << 21) | (v3l >>> 11)) ^ v0h) >>> 0;
  v3l = (((v3l << 21) | (t >>> 11)) ^ v0l) >>> 0;
  // v2 += v1
  lo = v2l + v1l;
  v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = lo >>> 0;
  // v1 = rol64(v1, 17); v1 ^= v2
  t = v1h;
  v1h = (((v1h << 17) | (v1l >>> 15)) ^ v2h) >>> 0;
  v1l = (((v1l << 17) | (t >>> 15)) ^ v2l) >>> 0;
  // v2 = rol64(v2, 32)
  st[0] = v0h;
  st[1] = v0l;
  st[2] = v1h;
  st[3] = v1l;
  st[4] = v2l;
  st[5] = v2h;
  st[6] = v3h;
  st[7] = v3l;
}

/**
 * `hsiphash_1u32(first, key)` of a 64-bit kernel (lib/siphash.c, `BITS_PER_LONG == 64`): "on 64-bit, we make
 * HalfSipHash1-3 actually be SipHash1-3" — HPREAMBLE(4) = PREAMBLE(4), the u32 goes into the final block `b`
 * (`b = 4 << 56 | first`), HPOSTAMBLE = one round, `v2 ^= 0xff`, three rounds, and the u32 result is the low half
 * of `(v0 ^ v1) ^ (v2 ^ v3)`. This is also what `hsiphash(&v, 4, key)` computes for a little-endian u32 `v`
 * (`___hsiphash_aligned` / `__hsiphash_unaligned` with len 4 reduce to the same final block).
 */
export function hsiphash64(first: number, key: HsiphashKey): number {
  // SIPHASH_CONST_0..3 = "somepseudorandomlygeneratedbytes", xored with the key words as in PREAMBLE.
  st[0] = 0x736f6d65 ^ key.k0hi;
  st[1] = 0x70736575 ^ key.k0lo;
  st[2] = 0x646f7261 ^ key.k1hi;
  st[3] = 0x6e646f6d ^ key.k1lo;
  st[4] = 0x6c796765 ^ key.k0hi;
  st[5] = 0x6e657261 ^ key.k0lo;
  st[6] = 0x74656462 ^ key.k1hi;
  st[7] = 0x79746573 ^ key.k1lo;
  // b = ((u64)len << 56) | first
  const bh = 0x04000000;
  const bl = first >>> 0;
  st[6] = st[6]! ^ bh;
  st[7] = st[7]! ^ bl;
  sipRound();
  st[0] = st[0]! ^ bh;
  st[1] = st[1]! ^ bl;
  st[5] = st[5]! ^ 0xff;
  sipRound();
  sipRound();
  sipRound();
  return (st[1]! ^ st[3]! ^ st[5]! ^ st[7]!) >>> 0;
}

function rol32(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * `hsiphash_1u32(first, key)` of a 32-bit kernel (lib/siphash.c, `BITS_PER_LONG == 32`): real HalfSipHash-1-3
 * with HSIPHASH_PERMUTATION and HSIPHASH_CONST_0..3 = 0, 0, "lyge", "tedb"; the u32 is one message word
 * (`v3 ^= first; HSIPROUND; v0 ^= first`), the final block is just `len << 24`, the result `v1 ^ v3`.
 */
export function hsiphash32(first: number, key: HsiphashKey): number {
  let v0 = key.k0lo >>> 0;
  let v1 = key.k1lo >>> 0;
  let v2 = (0x6c796765 ^ key.k0lo) >>> 0;
  let v3 = (0x74656462 ^ key.k1lo) >>> 0;
  const b = 0x04000000;
  for (let round = 0; round < 5; round++) {
    // round 0 absorbs `first`, round 1 the final block, rounds 2-4 finalize (after `v2 ^= 0xff`).
    if (round === 0) v3 = (v3 ^ first) >>> 0;
    else if (round === 1) v3 = (v3 ^ b) >>> 0;
    // HSIPHASH_PERMUTATION(v0, v1, v2, v3)
    v0 = (v0 + v1) >>> 0;
    v1 = (rol32(v1, 5) ^ v0) >>> 0;
    v0 = rol32(v0, 16);
    v2 = (v2 + v3) >>> 0;
    v3 = (rol32(v3, 8) ^ v2) >>> 0;
    v0 = (v0 + v3) >>> 0;
    v3 = (rol32(v3, 7) ^ v0) >>> 0;
    v2 = (v2 + v1) >>> 0;
    v1 = (rol32(v1, 13) ^ v2) >>> 0;
    v2 = rol32(v2, 16);
    if (round === 0) v0 = (v0 ^ first) >>> 0;
    else if (round === 1) {
      v0 = (v0 ^ b) >>> 0;
      v2 = (v2 ^ 0xff) >>> 0;
    }
  }
  return (v1 ^ v3) >>> 0;
}
