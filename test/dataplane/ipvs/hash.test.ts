import { describe, expect, it } from 'vitest';
import { hash32, hsiphash32, hsiphash64 } from '../../../src/dataplane/ipvs/hash.js';
import { MH_HASH1, MH_HASH2 } from '../../../src/dataplane/ipvs/mh.js';
import { halfSipHash13Ref, hsiphashU32Ref, sipHashRef, u32le } from './sipref.js';

// lib/tests/siphash_kunit.c (torvalds/linux): input i = bytes 0..i-1, keys 00 01 02 … as little-endian words.
const SIPHASH24 = [
  0x726fdb47dd0e0e31n,
  0x74f839c593dc67fdn,
  0x0d6c8009d9a94f5an,
  0x85676696d7fb7e2dn,
  0xcf2794e0277187b7n,
  0x18765564cd99a68dn,
  0xcbc9466e58fee3cen,
  0xab0200f58b01d137n,
  0x93f5f5799a932462n,
  0x9e0082df0ba9e4b0n,
];
const HSIPHASH_64BIT = [
  0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328, 0x49533b67, 0xc59f22a7, 0x9bb11140, 0x8d299a8e,
  0x6c063de4, 0x92ff097f, 0xf94dc352, 0x57b4d9a2, 0x1229ffa7, 0xc0f95d34, 0x2a519956, 0x7d908b66, 0x63dbd80c,
  0xb473e63e, 0x8d297d1c, 0xa6cce040, 0x2b45f844, 0xa320872e, 0xdae6c123, 0x67349c8c, 0x705b0979, 0xca9913a5,
  0x4ade3b35, 0xef6cd00d, 0x4ab1e1f4, 0x43c5e663, 0x8c21d1bc, 0x16a7b60d, 0x7a8ff9bf, 0x1f2a753e, 0xbf186b91,
  0xada26206, 0xa3c33057, 0xae3a36a1, 0x7b108392, 0x99e41531, 0x3f1ad944, 0xc8138825, 0xc28949a6, 0xfaf8876b,
  0x9f042196, 0x68b1d623, 0x8b5114fd, 0xdf074c46, 0x12cc86b3, 0x0a52098f, 0x9d292f9a, 0xa2f41f12, 0x43a71ed0,
  0x73f0bce6, 0x70a7e980, 0x243c6d75, 0xfdb71513, 0xa67d8a08, 0xb7e8f148, 0xf7a644ee, 0x0f1837f2, 0x4b6694e0,
  0xb7bbb3a8,
];
const HSIPHASH_32BIT = [
  0x5814c896, 0xe7e864ca, 0xbc4b0e30, 0x01539939, 0x7e059ea6, 0x88e3d89b, 0xa0080b65, 0x9d38d9d6, 0x577999b1,
  0xc839caed, 0xe4fa32cf, 0x959246ee, 0x6b28096c, 0x66dd9cd6, 0x16658a7c, 0xd0257b04, 0x8b31d501, 0x2b1cd04b,
  0x06712339, 0x522aca67, 0x911bb605, 0x90a65f0e, 0xf826ef7b, 0x62512deb, 0x57150ad7, 0x5d473507, 0x1ec47442,
  0xab64afd3, 0x0a4100d0, 0x6d2ce652, 0x2331b6a3, 0x08d8791a, 0xbc6dda8d, 0xe0f6c934, 0xb0652033, 0x9b9851cc,
  0x7c46fb7f, 0x732ba8cb, 0xf142997a, 0xfcc9aa1b, 0x05327eb2, 0xe110131c, 0xf9e5e7c0, 0xa7d708a6, 0x11795ab1,
  0x65671619, 0x9f5fff91, 0xd89c5267, 0x007783eb, 0x95766243, 0xab639262, 0x9c7e1390, 0xc368dda6, 0x38ddc455,
  0xfa13d379, 0x979ea4e8, 0x53ecd77e, 0x2ee80657, 0x33dbb66a, 0xae3f0577, 0x88b4c4cc, 0x3e7f480b, 0x74c1ebf8,
  0x87178304,
];
const K0 = 0x0706050403020100n;
const K1 = 0x0f0e0d0c0b0a0908n;
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('hash_32 (include/linux/hash.h)', () => {
  it('is the top bits of val * 0x61C88647 mod 2^32', () => {
    for (const v of [0, 1, 2, 0x0a000001, 0xffffffff, 0xc0a80001]) {
      const want = Number(((BigInt(v) * 0x61c88647n) & 0xffffffffn) >> 24n);
      expect(hash32(v, 8)).toBe(want);
    }
    expect(hash32(1, 8)).toBe(0x61);
  });
});

describe('hsiphash (lib/siphash.c)', () => {
  it('the BigInt references reproduce every kernel self-test vector', () => {
    SIPHASH24.forEach((want, i) => {
      expect(sipHashRef(2, 4, K0, K1, bytes(i))).toBe(want);
    });
    HSIPHASH_64BIT.forEach((want, i) => {
      expect(Number(sipHashRef(1, 3, K0, K1, bytes(i)) & 0xffffffffn)).toBe(want);
    });
    HSIPHASH_32BIT.forEach((want, i) => {
      expect(Number(halfSipHash13Ref(0x03020100n, 0x07060504n, bytes(i)))).toBe(want);
    });
  });

  it('hsiphash_1u32 matches the kernel self-test on both word sizes', () => {
    // siphash_kunit.c: hsiphash_1u32(0x03020100, &test_key_hsiphash) == test_vectors_hsiphash[4]
    const key64 = { k0hi: 0x07060504, k0lo: 0x03020100, k1hi: 0x0f0e0d0c, k1lo: 0x0b0a0908 };
    expect(hsiphash64(0x03020100, key64)).toBe(HSIPHASH_64BIT[4]);
    const key32 = { k0hi: 0, k0lo: 0x03020100, k1hi: 0, k1lo: 0x07060504 };
    expect(hsiphash32(0x03020100, key32)).toBe(HSIPHASH_32BIT[4]);
  });

  it('the fast u32 versions agree with the references on the mh keys for 3000 inputs', () => {
    let x = 12345;
    for (let i = 0; i < 3000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      expect(hsiphash64(x, MH_HASH1)).toBe(hsiphashU32Ref(x, 2654435761, 64));
      expect(hsiphash64(x, MH_HASH2)).toBe(hsiphashU32Ref(x, 2654446892, 64));
      expect(hsiphash32(x, MH_HASH1)).toBe(hsiphashU32Ref(x, 2654435761, 32));
      expect(hsiphash32(x, MH_HASH2)).toBe(hsiphashU32Ref(x, 2654446892, 32));
    }
    expect(u32le(0x01020304)).toEqual(new Uint8Array([4, 3, 2, 1]));
  });
});
