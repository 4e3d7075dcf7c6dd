// net/netfilter/ipvs/ip_vs_dh.c — Destination Hashing.

import { hash32 } from './hash.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/** IP_VS_DH_TAB_BITS = CONFIG_IP_VS_DH_TAB_BITS, default 8. */
const DH_TAB_BITS = 8;
export const DH_TAB_SIZE = 1 << DH_TAB_BITS;

export class DhScheduler implements Scheduler {
  readonly name = 'dh';
  readonly flagNames: readonly string[] = [];
  /** The 256 buckets: dest slot, or -1 while the service has no dests. */
  readonly buckets = new Int32Array(DH_TAB_SIZE).fill(-1);

  addDest(t: DestTable): void {
    this.reassign(t);
  }

  /** Modern dh has add_dest and del_dest hooks but no upd_dest: weights play no part in the fill. */
  delDest(t: DestTable): void {
    this.reassign(t);
  }

  /** `ip_vs_dh_reassign`: one bucket per dest per cycle, in list order, weights ignored. */
  private reassign(t: DestTable): void {
    const b = this.buckets;
    const n = t.count;
    if (n === 0) {
      b.fill(-1);
      return;
    }
    for (let k = 0, i = 0; k < DH_TAB_SIZE; k++) {
      b[k] = t.list[i]!;
      if (++i === n) i = 0;
    }
  }

  /**
   * `ip_vs_dh_schedule`: bucket `hash_32(ntohl(daddr), 8)` of the packet's destination (the virtual address);
   * NULL when that dest has weight <= 0 (or is overloaded). No port, no fallback.
   */
  schedule(t: DestTable, _src: number, _srcPort: number, dst: number): number {
    const d = this.buckets[hash32(dst, DH_TAB_BITS)]!;
    return d >= 0 && t.weight[d]! > 0 ? d : -1;
  }
}
