// net/netfilter/ipvs/ip_vs_sh.c — Source Hashing.

import { hash32 } from './hash.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/** IP_VS_SH_TAB_BITS = CONFIG_IP_VS_SH_TAB_BITS, default 8. */
export const SH_TAB_BITS = 8;
export const SH_TAB_SIZE = 1 << SH_TAB_BITS;
const SH_TAB_MASK = SH_TAB_SIZE - 1;

/**
 * `ip_vs_sh_hashkey` (hash_32 form): `(offset + hash_32(ntohs(port) + ntohl(addr), 8)) & 255`, the sum in u32.
 */
export function shHashKey(addr: number, port: number, offset: number): number {
  return (offset + hash32((port + addr) >>> 0, SH_TAB_BITS)) & SH_TAB_MASK;
}

export class ShScheduler implements Scheduler {
  readonly name = 'sh';
  readonly flagNames: readonly string[];
  /** The 256 buckets: dest slot, or -1 while the service has no dests (`kzalloc`ed table of NULLs at init). */
  readonly buckets = new Int32Array(SH_TAB_SIZE).fill(-1);

  constructor(
    private readonly fallback: boolean,
    private readonly usePort: boolean,
  ) {
    const names: string[] = [];
    if (fallback) names.push('sh-fallback');
    if (usePort) names.push('sh-port');
    this.flagNames = names;
  }

  addDest(t: DestTable): void {
    this.reassign(t);
  }

  delDest(t: DestTable): void {
    this.reassign(t);
  }

  updDest(t: DestTable): void {
    this.reassign(t);
  }

  /**
   * `ip_vs_sh_reassign` (add_dest, del_dest and upd_dest — weight edits refill too): walk the list in order, each
   * dest taking `weight` consecutive buckets per cycle, cycling until the 256 buckets are filled. A weight-0 dest
   * still takes one bucket per cycle (`++d_count >= 0` holds) and is rejected at lookup time.
   */
  private reassign(t: DestTable): void {
    const b = this.buckets;
    const n = t.count;
    if (n === 0) {
      b.fill(-1);
      return;
    }
    let i = 0;
    let dCount = 0;
    for (let k = 0; k < SH_TAB_SIZE; k++) {
      const d = t.list[i]!;
      b[k] = d;
      if (++dCount >= t.weight[d]!) {
        if (++i === n) i = 0;
        dCount = 0;
      }
    }
  }

  /**
   * `ip_vs_sh_schedule`: hash the client address (plus its port with sh-port). Without sh-fallback the bucket's
   * dest is returned only if it has weight > 0 (and is not overloaded). With sh-fallback (`ip_vs_sh_get_fallback`)
   * further buckets are probed at `key(roffset)` with `roffset = (offset + ihash) % 256` — note the probe
   * sequence therefore starts at 2 * ihash, not ihash + 1.
   */
  schedule(t: DestTable, src: number, srcPort: number): number {
    const port = this.usePort ? srcPort : 0;
    const ihash = shHashKey(src, port, 0);
    const d = this.buckets[ihash]!;
    if (d < 0) return -1;
    if (t.weight[d]! > 0) return d;
    if (!this.fallback) return -1;
    for (let offset = 0; offset < SH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % SH_TAB_SIZE;
      const e = this.buckets[shHashKey(src, port, roffset)]!;
      if (e < 0) break;
      if (t.weight[e]! > 0) return e;
    }
    return -1;
  }
}
