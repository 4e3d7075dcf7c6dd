// The nftables service chain as the kernel executes it (pkg/proxy/nftables/proxier.go
// writeServiceToEndpointRules): with ClientIP affinity, `ip saddr @affinity-<ep> goto endpoint-<ep>` per
// endpoint in order; then `numgen random mod N vmap { 0 : goto endpoint-0, … }`. The random number is
// net/netfilter/nft_numgen.c: `reciprocal_scale(get_random_u32(), modulus)`, i.e. (u32 × N) >> 32, which
// is uniform up to the 2^-32 granularity (each slot gets ⌊2^32/N⌋ or ⌈2^32/N⌉ of the 2^32 values).

import type { NftAffinitySets } from './affinity.js';
import type { RandomU32 } from './random.js';

const TWO_POW_32 = 4294967296;
/** Largest N for which u32 × N stays exact in a double (< 2^53). */
const MAX_MODULUS = 2 ** 21;

/** include/linux/math.h reciprocal_scale: `(u32)(((u64)val * ep_ro) >> 32)`, for N ≤ 2^21. */
export function reciprocalScale(value: number, n: number): number {
  return Math.floor((value * n) / TWO_POW_32);
}

/**
 * An nftables `service-…` / `local-…` chain on one node; `endpointIds` in kube-proxy's endpoint order,
 * affinity sets keyed by the same ids. `pick` leaves the rules it evaluated in `lastRulesEvaluated`
 * (affinity lookups + the numgen rule) so the hot path allocates nothing.
 */
export class NftablesServiceChain {
  readonly endpointIds: Int32Array;
  private readonly affinity: NftAffinitySets | null;
  private readonly timeoutSeconds: number;
  /** Rules of this chain the last pick evaluated. */
  lastRulesEvaluated = 0;
  /** Whether the last pick was decided by an affinity set. */
  lastByAffinity = false;

  constructor(endpointIds: ArrayLike<number>, affinity: NftAffinitySets | null = null, timeoutSeconds = 10800) {
    if (endpointIds.length === 0) throw new RangeError('a service chain needs at least one endpoint');
    if (endpointIds.length > MAX_MODULUS) throw new RangeError(`at most ${MAX_MODULUS} endpoints per chain`);
    this.endpointIds = Int32Array.from(endpointIds);
    this.affinity = affinity;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** The endpoint a new connection from `client` (IPv4 u32) gets at `now` (seconds). */
  pick(client: number, now: number, rng: RandomU32): number {
    const ids = this.endpointIds;
    const n = ids.length;
    const affinity = this.affinity;
    let rules = 0;
    if (affinity !== null) {
      for (let i = 0; i < n; i++) {
        rules++;
        const id = ids[i]!;
        if (affinity.contains(id, client, now)) {
          affinity.update(id, client, now, this.timeoutSeconds);
          this.lastRulesEvaluated = rules;
          this.lastByAffinity = true;
          return id;
        }
      }
    }
    const id = ids[reciprocalScale(rng.nextU32(), n)]!;
    if (affinity !== null) affinity.update(id, client, now, this.timeoutSeconds);
    this.lastRulesEvaluated = rules + 1;
    this.lastByAffinity = false;
    return id;
  }
}
