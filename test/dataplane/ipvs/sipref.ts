// Test-only reference implementations of the kernel's SipHash family (lib/siphash.c), in BigInt, over byte
// strings of any length, written from the algorithm rather than from the production code.

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
const rotl64 = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;
const rotl32 = (x: bigint, b: bigint) => ((x << b) | (x >> (32n - b))) & M32;

function le(bytes: Uint8Array, from: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[from + i]!);
  return v;
}

/** SipHash-c-d with 64-bit words: c = 2, d = 4 is `siphash()`, c = 1, d = 3 is `hsiphash()` on 64-bit kernels. */
export function sipHashRef(c: number, d: number, k0: bigint, k1: bigint, msg: Uint8Array): bigint {
  const v = [0x736f6d6570736575n ^ k0, 0x646f72616e646f6dn ^ k1, 0x6c7967656e657261n ^ k0, 0x7465646279746573n ^ k1];
  const round = () => {
    v[0] = (v[0]! + v[1]!) & M64;
    v[1] = rotl64(v[1]!, 13n) ^ v[0]!;
    v[0] = rotl64(v[0]!, 32n);
    v[2] = (v[2]! + v[3]!) & M64;
    v[3] = rotl64(v[3]!, 16n) ^ v[2]!;
    v[0] = (v[0]! + v[3]!) & M64;
    v[3] = rotl64(v[3]!, 21n) ^ v[0]!;
    v[2] = (v[2]! + v[1]!) & M64;
    v[1] = rotl64(v[1]!, 17n) ^ v[2]!;
    v[2] = rotl64(v[2]!, 32n);
  };
  const full = msg.length - (msg.length % 8);
  for (let i = 0; i < full; i += 8) {
    const m = le(msg, i, 8);
    v[3] = v[3]! ^ m;
    for (let r = 0; r < c; r++) round();
    v[0] = v[0]! ^ m;
  }
  const b = (BigInt(msg.length & 255) << 56n) | le(msg, full, msg.length - full);
  v[3] = v[3]! ^ b;
  for (let r = 0; r < c; r++) round();
  v[0] = v[0]! ^ b;
  v[2] = v[2]! ^ 0xffn;
  for (let r = 0; r < d; r++) round();
  return v[0]! ^ v[1]! ^ v[2]! ^ v[3]!;
}

/** HalfSipHash-1-3 with 32-bit words and 32-bit output: `hsiphash()` on 32-bit kernels. */
export function halfSipHash13Ref(k0: bigint, k1: bigint, msg: Uint8Array): bigint {
  const v = [k0, k1, 0x6c796765n ^ k0, 0x74656462n ^ k1];
  const round = () => {
    v[0] = (v[0]! + v[1]!) & M32;
    v[1] = rotl32(v[1]!, 5n) ^ v[0]!;
    v[0] = rotl32(v[0]!, 16n);
    v[2] = (v[2]! + v[3]!) & M32;
    v[3] = rotl32(v[3]!, 8n) ^ v[2]!;
    v[0] = (v[0]! + v[3]!) & M32;
    v[3] = rotl32(v[3]!, 7n) ^ v[0]!;
    v[2] = (v[2]! + v[1]!) & M32;
    v[1] = rotl32(v[1]!, 13n) ^ v[2]!;
    v[2] = rotl32(v[2]!, 16n);
  };
  const full = msg.length - (msg.length % 4);
  for (let i = 0; i < full; i += 4) {
    const m = le(msg, i, 4);
    v[3] = v[3]! ^ m;
    round();
    v[0] = v[0]! ^ m;
  }
  const b = (BigInt(msg.length & 255) << 24n) | le(msg, full, msg.length - full);
  v[3] = v[3]! ^ b;
  round();
  v[0] = v[0]! ^ b;
  v[2] = v[2]! ^ 0xffn;
  for (let r = 0; r < 3; r++) round();
  return v[1]! ^ v[3]!;
}

export function u32le(x: number): Uint8Array {
  return new Uint8Array([x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24]);
}

/** `hsiphash(&v, 4, key)` for the mh keys (`unsigned long key[2]` = {k, k}) on either word size. */
export function hsiphashU32Ref(v: number, k: number, longBits: 64 | 32): number {
  const msg = u32le(v >>> 0);
  const out =
    longBits === 64 ? sipHashRef(1, 3, BigInt(k), BigInt(k), msg) & M32 : halfSipHash13Ref(BigInt(k), BigInt(k), msg);
  return Number(out);
}
