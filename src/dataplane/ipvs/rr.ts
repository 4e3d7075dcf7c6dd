// net/netfilter/ipvs/ip_vs_rr.c — Round Robin.

import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

export class RrScheduler implements Scheduler {
  readonly name = 'rr';
  readonly flagNames: readonly string[] = [];
  /**
   * `svc->sched_data`: the slot of the last picked dest, or -1 for the list head where `ip_vs_rr_init_svc` puts it.
   * There is no add_dest/upd_dest hook: adding a dest or editing a weight does not move it.
   */
  cursor = -1;

  /**
   * `ip_vs_rr_del_dest`: if the cursor sits on the deleted dest, move it to that dest's predecessor
   * (`p->next->prev`), so the deleted dest's successor is picked next.
   */
  delDest(t: DestTable, slot: number, formerIndex: number): void {
    if (this.cursor === slot) this.cursor = formerIndex > 0 ? t.list[formerIndex - 1]! : -1;
  }

  /**
   * `ip_vs_rr_schedule`: scan circularly from the entry after the cursor; the cursor's own dest is examined last,
   * so a single usable dest is picked again and again. Usable = weight > 0 (and not overloaded).
   */
  schedule(t: DestTable): number {
    const n = t.count;
    const list = t.list;
    const weight = t.weight;
    let i = this.cursor < 0 ? 0 : t.pos[this.cursor]! + 1;
    for (let k = 0; k < n; k++, i++) {
      if (i === n) i = 0;
      const d = list[i]!;
      if (weight[d]! > 0) {
        this.cursor = d;
        return d;
      }
    }
    return -1;
  }
}
