// Growing a full ring buffer: its two runs, [head, end) and [0, head), move to the front of the larger
// array as two block copies, so the oldest entry lands at index 0.

type NumberArray = Float64Array | Int32Array | Uint32Array;

/** Copies the full ring `from` (oldest entry at `head`) into `to` (at least as long), oldest first. */
export function unwrapRing(from: NumberArray, head: number, to: NumberArray): void {
  to.set(from.subarray(head));
  to.set(from.subarray(0, head), from.length - head);
}
