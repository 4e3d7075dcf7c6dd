// Growing typed arrays, for the pools, queues and rings that double when full.

type NumberArray = Float64Array | Int32Array | Uint32Array;

/** A copy of `a` lengthened to `n` (the new tail is zero). */
export function grownF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** A copy of `a` lengthened to `n` (the new tail is zero). */
export function grownI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Copies the full ring `from` (oldest entry at `head`) into `to` (at least as long), oldest first: its two
 * runs, [head, end) and [0, head), move as two block copies.
 */
export function unwrapRing(from: NumberArray, head: number, to: NumberArray): void {
  to.set(from.subarray(head));
  to.set(from.subarray(0, head), from.length - head);
}
