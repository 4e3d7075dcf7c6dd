// Exact `(__s64)a * b > (__s64)c * d` for the least-connection schedulers (ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c).

/**
 * The operands are non-negative ints (overheads and weights). Products below 2^53 are exact doubles; larger ones
 * (only with absurd connection counts times large weights) are compared as BigInt, as the kernel's s64 would.
 */
export function productGreater(a: number, b: number, c: number, d: number): boolean {
  const p = a * b;
  const q = c * d;
  if (p <= Number.MAX_SAFE_INTEGER && q <= Number.MAX_SAFE_INTEGER) return p > q;
  return BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d);
}
