// net/netfilter/ipvs/ip_vs_wrr.c — Weighted Round Robin.

import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/**
 * `struct ip_vs_wrr_mark`: `cl` the last picked dest (or the head), `cw` the current weight, `mw` the max weight
 * reduced by `di - 1` so that the last pass runs with cw = 1, `di` the gcd of the positive weights.
 */
export class WrrScheduler implements Scheduler {
  readonly name = 'wrr';
  readonly flagNames: readonly string[] = [];
  // `ip_vs_wrr_init_svc` on the empty service kube-proxy creates: cl = head, di = 1, mw = 0, cw = 0.
  /** Slot of `mark->cl`, -1 for the list head. */
  cl = -1;
  cw = 0;
  mw = 0;
  di = 1;

  addDest(t: DestTable): void {
    this.destChanged(t);
  }

  delDest(t: DestTable): void {
    this.destChanged(t);
  }

  updDest(t: DestTable): void {
    this.destChanged(t);
  }

  /**
   * `ip_vs_wrr_dest_changed` (add_dest, del_dest and upd_dest): restart from the head and keep `cw` unless it is
   * out of range. After kube-proxy's `-A` then `-a`… sequence the first add turns cw = 0 into cw = mw = 1 and
   * later adds with di = 1 keep it, so the first scan visits every dest once before cw wraps to mw.
   */
  private destChanged(t: DestTable): void {
    this.cl = -1;
    this.di = gcdWeight(t);
    this.mw = maxWeight(t) - (this.di - 1);
    if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.trunc(this.cw / this.di) * this.di + 1;
  }

  /**
   * `ip_vs_wrr_schedule`: continue after `cl` with the same `cw`, take the first dest with weight >= cw; at the
   * end of the list lower cw by di (wrapping to mw); give up only after a full pass with cw <= di.
   */
  schedule(t: DestTable): number {
    if (this.mw === 0) return -1;
    const n = t.count;
    const list = t.list;
    const weight = t.weight;
    const last = this.cl;
    let stop = -2;
    let lastPass = false;
    let restarted = false;
    let i = last < 0 ? 0 : t.pos[last]! + 1;
    for (;;) {
      for (; i < n; i++) {
        const d = list[i]!;
        if (weight[d]! >= this.cw) {
          this.cl = d;
          return d;
        }
        if (d === stop) {
          this.cl = d;
          return -1;
        }
      }
      i = 0;
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        if (lastPass || last < 0) {
          this.cl = -1;
          return -1;
        }
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      if (lastPass && restarted && last >= 0) stop = last;
    }
  }
}

/** `ip_vs_wrr_gcd_weight`: gcd of the positive weights, 1 when there are none. */
function gcdWeight(t: DestTable): number {
  let g = 0;
  for (let i = 0; i < t.count; i++) {
    const w = t.weight[t.list[i]!]!;
    if (w > 0) g = g > 0 ? gcd(w, g) : w;
  }
  return g > 0 ? g : 1;
}

/** `ip_vs_wrr_max_weight`. */
function maxWeight(t: DestTable): number {
  let m = 0;
  for (let i = 0; i < t.count; i++) {
    const w = t.weight[t.list[i]!]!;
    if (w > m) m = w;
  }
  return m;
}
