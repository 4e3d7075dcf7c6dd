// ClientIP session affinity state, per node, keyed by client IPv4 address (u32) and endpoint id.
//
// iptables: kube-proxy keeps one xt_recent list per endpoint, named after its KUBE-SEP chain. The service
// chain tests `-m recent --name <SEP> --rcheck --seconds T --reap` per endpoint; the SEP chain's DNAT rule
// carries `-m recent --name <SEP> --set`. Semantics from net/netfilter/xt_recent.c:
// - rcheck matches when the client's entry holds a stamp no older than T (`time_after(jiffies - T*HZ,
//   stamp)` is false); the newest stamp decides, since `--set` always appends the current time;
// - `--reap` then removes the list's least-recently-set entry if even its newest stamp is older than T
//   (recent_entry_reap; only when the client had an entry, as the lookup comes first);
// - `--set` refreshes the entry and moves it to the LRU tail; a new entry in a full list evicts the LRU
//   head first (recent_entry_init: `if (t->entries >= ip_list_tot)`). ip_list_tot is a module parameter,
//   default 100: each endpoint's list remembers at most 100 clients, so with more client IPs affinity is
//   silently lost for the least recently seen ones.
// Time is continuous seconds here; the kernel counts jiffies, which only moves the boundary by a tick.
//
// nftables: one dynamic set per endpoint (`flags dynamic,timeout; timeout T`), tested with
// `ip saddr @affinity-…` in endpoint order and refreshed by `update @affinity-… { ip saddr }` in the
// endpoint chain. An element is live while now < expiry (nft_set_elem_expired: expired once
// `expiration <= now`); an update resets its expiry to now + T. kube-proxy sets no size, so sets are
// unbounded unless a limit is given (nft_dynset then fails to add and the rule just breaks: the
// connection is still DNATed, without affinity).

/** Default `ip_list_tot` of xt_recent (module parameter). */
export const XT_RECENT_IP_LIST_TOT = 100;

const INITIAL_SLOTS = 8;

/** One xt_recent list: entries keyed by client, with an LRU order over typed arrays (no allocation per op). */
export class RecentTable {
  private readonly capacity: number;
  private readonly slotOf = new Map<number, number>();
  private addr: Uint32Array;
  private stamp: Float64Array;
  private prev: Int32Array;
  private next: Int32Array;
  private head = -1;
  private tail = -1;
  private used = 0;
  private freeList: Int32Array;
  private freeCount = 0;

  constructor(capacity: number = XT_RECENT_IP_LIST_TOT) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ip_list_tot must be ≥ 1: ${capacity}`);
    this.capacity = capacity;
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.addr = new Uint32Array(slots);
    this.stamp = new Float64Array(slots);
    this.prev = new Int32Array(slots);
    this.next = new Int32Array(slots);
    this.freeList = new Int32Array(slots);
  }

  /** Entries currently held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Whether `client` has an entry (live or not); for inspection. */
  has(client: number): boolean {
    return this.slotOf.has(client);
  }

  /**
   * `--rcheck --seconds <seconds> [--reap]` for `client` at `now`: true when its newest stamp is within the
   * window. With `reap`, then drops the LRU head if it has gone stale.
   */
  rcheck(client: number, now: number, seconds: number, reap: boolean): boolean {
    const slot = this.slotOf.get(client);
    if (slot === undefined) return false;
    const matched = now - this.stamp[slot]! <= seconds;
    if (reap) {
      const h = this.head;
      if (now - this.stamp[h]! > seconds) this.remove(h);
    }
    return matched;
  }

  /** `--set` for `client` at `now`. */
  set(client: number, now: number): void {
    const slot = this.slotOf.get(client);
    if (slot !== undefined) {
      this.stamp[slot] = now;
      this.moveToTail(slot);
      return;
    }
    if (this.slotOf.size >= this.capacity) this.remove(this.head);
    const fresh = this.allocate();
    this.addr[fresh] = client;
    this.stamp[fresh] = now;
    this.prev[fresh] = this.tail;
    this.next[fresh] = -1;
    if (this.tail >= 0) this.next[this.tail] = fresh;
    else this.head = fresh;
    this.tail = fresh;
    this.slotOf.set(client, fresh);
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.freeList[--this.freeCount]!;
    if (this.used === this.addr.length) this.grow();
    return this.used++;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.addr.length * 2);
    const addr = new Uint32Array(size);
    addr.set(this.addr);
    const stamp = new Float64Array(size);
    stamp.set(this.stamp);
    const prev = new Int32Array(size);
    prev.set(this.prev);
    const next = new Int32Array(size);
    next.set(this.next);
    const freeList = new Int32Array(size);
    freeList.set(this.freeList);
    this.addr = addr;
    this.stamp = stamp;
    this.prev = prev;
    this.next = next;
    this.freeList = freeList;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private moveToTail(slot: number): void {
    if (slot === this.tail) return;
    this.unlink(slot);
    this.prev[slot] = this.tail;
    this.next[slot] = -1;
    if (this.tail >= 0) this.next[this.tail] = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private remove(slot: number): void {
    this.unlink(slot);
    this.slotOf.delete(this.addr[slot]!);
    this.freeList[this.freeCount++] = slot;
  }
}

/** A node's xt_recent lists, one per endpoint id (its KUBE-SEP chain), created on first `--set`. */
export class IptablesRecentLists {
  private readonly tables: (RecentTable | undefined)[] = [];
  private readonly ipListTot: number;

  constructor(ipListTot: number = XT_RECENT_IP_LIST_TOT) {
    this.ipListTot = ipListTot;
  }

  /** The rcheck rule of endpoint `id` (always with `--reap`, as kube-proxy writes it). */
  rcheck(id: number, client: number, now: number, seconds: number): boolean {
    const table = this.tables[id];
    return table?.rcheck(client, now, seconds, true) === true;
  }

  /** The `--set` of endpoint `id`'s KUBE-SEP chain. */
  set(id: number, client: number, now: number): void {
    let table = this.tables[id];
    if (table === undefined) {
      table = new RecentTable(this.ipListTot);
      this.tables[id] = table;
    }
    table.set(client, now);
  }

  /** Entries held for endpoint `id`. */
  size(id: number): number {
    return this.tables[id]?.size ?? 0;
  }
}

/** A node's nftables affinity sets, one per endpoint id (`affinity-<hash>-…__<ip>/<port>`). */
export class NftAffinitySets {
  private readonly sets: (Map<number, number> | undefined)[] = [];
  private readonly maxElements: number;

  /** @param maxElements set size limit; kube-proxy declares none (unbounded). */
  constructor(maxElements: number = Number.POSITIVE_INFINITY) {
    this.maxElements = maxElements;
  }

  /** `ip saddr @affinity-<endpoint id>`: a live element for `client` at `now`. */
  contains(id: number, client: number, now: number): boolean {
    const set = this.sets[id];
    if (set === undefined) return false;
    const expiry = set.get(client);
    if (expiry === undefined) return false;
    if (now >= expiry) {
      set.delete(client);
      return false;
    }
    return true;
  }

  /** `update @affinity-<endpoint id> { ip saddr }` with the set's timeout. */
  update(id: number, client: number, now: number, timeoutSeconds: number): void {
    let set = this.sets[id];
    if (set === undefined) {
      set = new Map<number, number>();
      this.sets[id] = set;
    }
    if (!set.has(client) && set.size >= this.maxElements) {
      for (const [key, expiry] of set) if (now >= expiry) set.delete(key);
      if (set.size >= this.maxElements) return;
    }
    set.set(client, now + timeoutSeconds);
  }

  /** Elements held for endpoint `id` (including expired ones not yet collected). */
  size(id: number): number {
    return this.sets[id]?.size ?? 0;
  }
}
