// net/netfilter/ipvs/ip_vs_sed.c — Shortest Expected Delay.

import { productGreater } from './compare.js';
import { attachWhenLong, LeastTree } from './least.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/**
 * `ip_vs_sed_schedule`: wlc's structure with `ip_vs_sed_dest_overhead()` = activeconns + 1 — inactive
 * connections are ignored. Seed = first dest with weight > 0; switch on strictly smaller (active + 1) / weight.
 */
export function sedScan(t: DestTable): number {
  const n = t.count;
  const list = t.list;
  const weight = t.weight;
  const active = t.activeConns;
  let i = 0;
  while (i < n && weight[list[i]!]! <= 0) i++;
  if (i === n) return -1;
  let least = list[i]!;
  let loh = active[least]! + 1;
  for (i++; i < n; i++) {
    const d = list[i]!;
    const doh = active[d]! + 1;
    if (productGreater(loh, weight[d]!, doh, weight[least]!)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The kernel module has no per-service state and no dest hooks; the add_dest/del_dest here only attach the exact
 * sed index (least.ts) once the list is long enough, and `schedule` reads it instead of scanning.
 */
export class SedScheduler implements Scheduler {
  readonly name = 'sed';
  readonly flagNames: readonly string[] = [];
  private readonly tree = new LeastTree('sed');

  addDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  delDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  schedule(t: DestTable): number {
    return t.watcher === this.tree ? this.tree.winner() : sedScan(t);
  }
}
