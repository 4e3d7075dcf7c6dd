// net/netfilter/ipvs/ip_vs_nq.c — Never Queue.

import { productGreater } from './compare.js';
import { attachWhenLong, LeastTree } from './least.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/**
 * `ip_vs_nq_schedule`: in list order, skipping weight 0, return the first dest with activeconns == 0 at once —
 * whatever its weight and its inactive connections; if none is idle, the sed choice (strictly smallest
 * (activeconns + 1) / weight, first in list on ties).
 */
export function nqScan(t: DestTable): number {
  const n = t.count;
  const list = t.list;
  const weight = t.weight;
  const active = t.activeConns;
  let least = -1;
  let loh = 0;
  for (let i = 0; i < n; i++) {
    const d = list[i]!;
    const w = weight[d]!;
    if (w === 0) continue;
    const a = active[d]!;
    if (a === 0) return d;
    const doh = a + 1;
    if (least < 0 || productGreater(loh, w, doh, weight[least]!)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The kernel module has no per-service state and no dest hooks; the add_dest/del_dest here only attach the exact
 * nq index (least.ts) once the list is long enough, and `schedule` reads it instead of scanning.
 */
export class NqScheduler implements Scheduler {
  readonly name = 'nq';
  readonly flagNames: readonly string[] = [];
  private readonly tree = new LeastTree('nq');

  addDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  delDest(t: DestTable): void {
    attachWhenLong(t, this.tree);
  }

  schedule(t: DestTable): number {
    return t.watcher === this.tree ? this.tree.winner() : nqScan(t);
  }
}
