// net/netfilter/ipvs/ip_vs_mh.c — Maglev Hashing (Linux 4.18+).

import { type HsiphashKey, hsiphash32, hsiphash64 } from './hash.js';
import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';
import { gcd } from './wrr.js';

/** CONFIG_IP_VS_MH_TAB_INDEX default 12: IP_VS_MH_TAB_SIZE = primes[12 - 8] = 4093. */
export const MH_TAB_SIZE = 4093;
/** IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2. */
const MH_TAB_BITS = 6;

// generate_hash_secret(): fixed keys, `unsigned long` words (zero-extended on 64-bit kernels).
export const MH_HASH1: HsiphashKey = { k0hi: 0, k0lo: 2654435761, k1hi: 0, k1lo: 2654435761 };
export const MH_HASH2: HsiphashKey = { k0hi: 0, k0lo: 2654446892, k1hi: 0, k1lo: 2654446892 };

/** `fls()`: 1-based index of the highest set bit, 0 for 0. */
function fls(x: number): number {
  return 32 - Math.clz32(x);
}

export class MhScheduler implements Scheduler {
  readonly name = 'mh';
  readonly flagNames: readonly string[];
  /** `s->lookup`: M entries of dest slot, -1 = NULL (read through `lookup`, which brings it up to date). */
  private readonly table = new Int32Array(MH_TAB_SIZE).fill(-1);
  /** The dest list whose change the table has not caught up with yet, if any. */
  private changed: DestTable | null = null;
  private readonly hash: (v: number, key: HsiphashKey) => number;
  // `ip_vs_mh_dest_setup` per list position, reused across reassigns.
  private offset = new Int32Array(16);
  private skip = new Int32Array(16);
  private perm = new Int32Array(16);
  private turns = new Int32Array(16);
  private readonly used = new Uint8Array(MH_TAB_SIZE);

  constructor(
    private readonly fallback: boolean,
    private readonly usePort: boolean,
    longBits: 64 | 32,
  ) {
    const names: string[] = [];
    if (fallback) names.push('mh-fallback');
    if (usePort) names.push('mh-port');
    this.flagNames = names;
    this.hash = longBits === 64 ? hsiphash64 : hsiphash32;
  }

  /** `ip_vs_mh_hashkey`: `hsiphash(&v, 4, key)` with `v = offset + ntohs(port) + ntohl(addr)` as a u32. */
  private hashKey(addr: number, port: number, key: HsiphashKey, offset: number): number {
    return this.hash((offset + port + addr) >>> 0, key);
  }

  /** The lookup table as `ip_vs_mh_dest_changed` left it after the last add, delete or weight change. */
  get lookup(): Int32Array {
    if (this.changed !== null) this.reassign(this.changed);
    return this.table;
  }

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
   * `ip_vs_mh_dest_changed`. The kernel rebuilds the table on every change; kube-proxy adds a Service's real
   * servers one by one, so that is one rebuild per endpoint, each of which `ip_vs_mh_populate` overwrites
   * completely (the table depends only on the final list and last weights). The rebuild therefore waits
   * until the table is next read: same table, one rebuild instead of one per endpoint (30 endpoints on 6
   * nodes cost a tenth of a whole simulation).
   */
  private destChanged(t: DestTable): void {
    // The kernel refuses more dests than table entries (-EINVAL) and would keep a stale table.
    if (t.count > MH_TAB_SIZE) throw new RangeError(`mh supports at most ${MH_TAB_SIZE} dests`);
    this.changed = t;
  }

  /**
   * `ip_vs_mh_reassign` after `ip_vs_mh_dest_changed`'s gcd and shift of the dests' `last_weight`
   * (`ip_vs_mh_permutate` + `ip_vs_mh_populate`). Using last_weight means setting a weight to 0 keeps the table
   * (the dest keeps its slots and is rejected at lookup), while adding or deleting a dest reshuffles it.
   */
  private reassign(t: DestTable): void {
    this.changed = null;
    const n = t.count;
    let g = 0;
    let maxW = 0;
    for (let i = 0; i < n; i++) {
      const w = t.lastWeight[t.list[i]!]!;
      if (w > 0) g = g > 0 ? gcd(w, g) : w;
      if (w > maxW) maxW = w;
    }
    if (g < 1) {
      // No dest, or every last_weight is 0: ip_vs_mh_populate resets the table.
      this.table.fill(-1);
      return;
    }
    // ip_vs_mh_shift_weight: shift = fls(max / gcd) - IP_VS_MH_TAB_BITS, at least 0.
    const rshift = Math.max(0, fls(Math.trunc(maxW / g)) - MH_TAB_BITS);
    if (this.turns.length < n) {
      const cap = Math.max(n, this.turns.length * 2);
      this.offset = new Int32Array(cap);
      this.skip = new Int32Array(cap);
      this.perm = new Int32Array(cap);
      this.turns = new Int32Array(cap);
    }
    // ip_vs_mh_permutate
    for (let i = 0; i < n; i++) {
      const d = t.list[i]!;
      const addr = t.addr[d]!;
      const port = t.port[d]!;
      this.offset[i] = this.hashKey(addr, port, MH_HASH1, 0) % MH_TAB_SIZE;
      this.skip[i] = (this.hashKey(addr, port, MH_HASH2, 0) % (MH_TAB_SIZE - 1)) + 1;
      this.perm[i] = this.offset[i]!;
      const lw = t.lastWeight[d]!;
      // `((lw / gcd) >> rshift) ?: (lw != 0)`
      const turns = Math.trunc(lw / g) >> rshift;
      this.turns[i] = turns !== 0 ? turns : lw !== 0 ? 1 : 0;
    }
    this.populate(t);
  }

  /**
   * `ip_vs_mh_populate`: rounds over the list; in each round every dest with turns >= 1 claims `turns` entries,
   * each the next free entry of its permutation (offset, offset + skip, … mod M), until all M are claimed.
   */
  private populate(t: DestTable): void {
    const used = this.used;
    used.fill(0);
    const n = t.count;
    let filled = 0;
    let dtCount = 0;
    for (;;) {
      let i = 0;
      while (i < n) {
        const turns = this.turns[i]!;
        if (turns < 1) {
          i++;
          continue;
        }
        let c = this.perm[i]!;
        while (used[c] !== 0) {
          c += this.skip[i]!;
          if (c >= MH_TAB_SIZE) c -= MH_TAB_SIZE;
        }
        this.perm[i] = c;
        used[c] = 1;
        this.table[c] = t.list[i]!;
        if (++filled === MH_TAB_SIZE) return;
        if (++dtCount >= turns) {
          dtCount = 0;
          i++;
        }
      }
    }
  }

  /**
   * `ip_vs_mh_schedule` → `ip_vs_mh_get` / `ip_vs_mh_get_fallback`: entry `h1(addr, port) % M` of the client
   * address (plus its port with mh-port); NULL when that dest has weight <= 0 (or is overloaded) unless
   * mh-fallback probes `h1(addr, port, roffset) % M` for `roffset = (offset + ihash) % M`.
   */
  schedule(t: DestTable, src: number, srcPort: number): number {
    const port = this.usePort ? srcPort : 0;
    const lookup = this.lookup;
    const ihash = this.hashKey(src, port, MH_HASH1, 0) % MH_TAB_SIZE;
    const d = lookup[ihash]!;
    if (d < 0) return -1;
    if (t.weight[d]! > 0) return d;
    if (!this.fallback) return -1;
    for (let offset = 0; offset < MH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % MH_TAB_SIZE;
      const e = lookup[this.hashKey(src, port, MH_HASH1, roffset) % MH_TAB_SIZE]!;
      if (e < 0) break;
      if (t.weight[e]! > 0) return e;
    }
    return -1;
  }
}
