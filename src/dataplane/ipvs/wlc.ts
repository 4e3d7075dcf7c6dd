// net/netfilter/ipvs/ip_vs_wlc.c — Weighted Least Connection (the kernel's default scheduler).

import { productGreater } from './compare.js';
import { attachWhenLong, LeastTree } from './least.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/**
 * `ip_vs_wlc_schedule`: seed with the first dest in list order that has weight > 0, then scan the dests after
 * it and switch when `loh * d.weight > doh * least.weight` (overhead = activeconns * 256 + inactconns), i.e.
 * strictly smaller overhead per weight. Ties keep the earlier dest; a weight-0 dest can never win the strict
 * test; a seed with overhead 0 cannot be beaten.
 */
export function wlcScan(t: DestTable): number {
  const n = t.count;
  const list = t.list;
  const weight = t.weight;
  const active = t.activeConns;
  const inact = t.inactConns;
  let i = 0;
  while (i < n && weight[list[i]!]! <= 0) i++;
  if (i === n) return -1;
  let least = list[i]!;
  let loh = active[least]! * 256 + inact[least]!;
  for (i++; i < n; i++) {
    const d = list[i]!;
    const doh = active[d]! * 256 + inact[d]!;
    if (productGreater(loh, weight[d]!, doh, weight[least]!)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The kernel module has no per-service state and no dest hooks; the add_dest/del_dest here only attach the exact
 * wlc index (least.ts) once the list is long enough, and `schedule` reads it instead of scanning.
 */
export class WlcScheduler implements Scheduler {
  readonly name = 'wlc';
  readonly flagNames: readonly string[] = [];
  private readonly tree = new LeastTree('wlc');

  addDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  delDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  schedule(t: DestTable): number {
    return t.watcher === this.tree ? this.tree.winner() : wlcScan(t);
  }
}
