// net/netfilter/ipvs/ip_vs_lc.c — Least Connection.

import { attachWhenLong, LeastTree } from './least.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/**
 * `ip_vs_lc_schedule`: the dest with the smallest `ip_vs_dest_conn_overhead()` = activeconns * 256 + inactconns
 * (include/net/ip_vs.h; the `<< 5` in ip_vs_lc.c's comment is stale). Weight matters only as 0 = skipped.
 * The comparison is strict, so on a tie the first in list order (the most recently added) wins.
 */
export function lcScan(t: DestTable): number {
  const n = t.count;
  const list = t.list;
  const weight = t.weight;
  const active = t.activeConns;
  const inact = t.inactConns;
  let least = -1;
  let loh = 0;
  for (let i = 0; i < n; i++) {
    const d = list[i]!;
    if (weight[d] === 0) continue;
    const doh = active[d]! * 256 + inact[d]!;
    if (least < 0 || doh < loh) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The kernel module has no per-service state and no dest hooks; the add_dest/del_dest here only attach the exact
 * lc index (least.ts) once the list is long enough, and `schedule` reads it instead of scanning.
 */
export class LcScheduler implements Scheduler {
  readonly name = 'lc';
  readonly flagNames: readonly string[] = [];
  private readonly tree = new LeastTree('lc');

  addDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  delDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  schedule(t: DestTable): number {
    return t.watcher === this.tree ? this.tree.winner() : lcScan(t);
  }
}
