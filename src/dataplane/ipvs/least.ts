// An exact index for the least-connection family (lc, wlc, sed, nq) on long real-server lists.

import { productGreater } from './compare.js';
import type { DestTable, DestWatcher } from './table.js';

/**
 * Lists shorter than this are scanned as the kernel does; from this length on the scheduler keeps a LeastTree
 * (a scan over 32 dests costs about what 4 tree updates of 5 levels cost per connection).
 */
export const INDEX_MIN_DESTS = 32;

/** Which kernel comparison the tree reproduces. */
export type LeastKind = 'lc' | 'wlc' | 'sed' | 'nq';

/**
 * A tournament tree over list positions whose root is the dest the kernel's linear scan would return.
 *
 * Each kernel scan returns the LEFTMOST minimum of a total preorder over the eligible dests: it keeps the current
 * best and replaces it only on a strictly better key, so a later dest never displaces an equal earlier one (wlc
 * and sed seed with the first weight > 0 dest and weight-0 dests can never win the strict test, so their result
 * is also the leftmost minimum among weight > 0). A node keeps its left child's winner unless the right child's
 * is strictly better, which by induction is the leftmost minimum of its range. nq's "first idle dest" is the same
 * rule with idle dests ordered before every busy one.
 *
 * Every counter or weight change updates one leaf and its ancestors (at most log2 n comparisons); a change of the
 * list (add or delete, positions shift) rebuilds the tree.
 */
export class LeastTree implements DestWatcher {
  private size = 1;
  /** win[k]: winning slot of node k's range, -1 if none is eligible; leaves at size + position. */
  private win = new Int32Array(2);

  constructor(readonly kind: LeastKind) {}

  /** The kernel's choice, -1 when no dest is eligible. */
  winner(): number {
    return this.win[1]!;
  }

  rebuild(t: DestTable): void {
    let size = 1;
    while (size < t.count) size *= 2;
    if (this.win.length !== 2 * size) this.win = new Int32Array(2 * size);
    this.size = size;
    const win = this.win;
    for (let i = 0; i < size; i++) {
      const d = i < t.count ? t.list[i]! : -1;
      win[size + i] = d >= 0 && t.weight[d]! > 0 ? d : -1;
    }
    for (let k = size - 1; k >= 1; k--) win[k] = this.match(t, win[2 * k]!, win[2 * k + 1]!);
  }

  update(t: DestTable, slot: number): void {
    const at = t.pos[slot]!;
    if (at < 0) return; // a deleted dest's connections still end; it is not in the tree
    const win = this.win;
    let k = this.size + at;
    win[k] = t.weight[slot]! > 0 ? slot : -1;
    for (k >>= 1; k >= 1; k >>= 1) {
      const w = this.match(t, win[2 * k]!, win[2 * k + 1]!);
      // Same winner as before and not the changed dest: its key did not move, so nothing above changes.
      if (w === win[k] && w !== slot) return;
      win[k] = w;
    }
  }

  /** Winner of `a` (earlier in the list) against `b`: `b` only if strictly better. */
  private match(t: DestTable, a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const active = t.activeConns;
    const weight = t.weight;
    switch (this.kind) {
      case 'lc':
        return active[b]! * 256 + t.inactConns[b]! < active[a]! * 256 + t.inactConns[a]! ? b : a;
      case 'wlc':
        return productGreater(
          active[a]! * 256 + t.inactConns[a]!,
          weight[b]!,
          active[b]! * 256 + t.inactConns[b]!,
          weight[a]!,
        )
          ? b
          : a;
      case 'sed':
        return productGreater(active[a]! + 1, weight[b]!, active[b]! + 1, weight[a]!) ? b : a;
      case 'nq':
        if (active[a] === 0) return a;
        if (active[b] === 0) return b;
        return productGreater(active[a]! + 1, weight[b]!, active[b]! + 1, weight[a]!) ? b : a;
    }
  }
}

/**
 * Keeps `tree` attached to `t` while the list is long enough to pay for it. Not a kernel hook: called from the
 * least-connection schedulers' add_dest/del_dest, which the kernel modules do not have.
 */
export function attachWhenLong(t: DestTable, tree: LeastTree): void {
  if (t.count >= INDEX_MIN_DESTS) {
    if (t.watcher !== tree) {
      t.watcher = tree;
      tree.rebuild(t);
    }
  } else if (t.watcher === tree) {
    t.watcher = null;
  }
}
