// The real servers (dests) of one IPVS virtual service, as typed arrays indexed by a stable dest slot.

/** Something that must follow every change of the list, of a weight or of a connection counter. */
export interface DestWatcher {
  /** The list changed (a dest was linked or unlinked): positions moved. */
  rebuild(t: DestTable): void;
  /** A weight or counter of `slot` changed. */
  update(t: DestTable, slot: number): void;
}

/**
 * `svc->destinations` and the per-dest fields the schedulers read (include/net/ip_vs.h `struct ip_vs_dest`).
 *
 * A slot is allocated per endpoint the first time it is added and keeps its counters when the dest is deleted:
 * the kernel moves a deleted dest that connections still reference to its trash and resurrects it, counters
 * included, when the same address:port is added again (ip_vs_ctl.c `ip_vs_trash_get_dest`); a dest nobody
 * references has zero counters, so reusing the slot is exact either way.
 *
 * Overload thresholds (`ipvsadm -x/-y`, IP_VS_DEST_F_OVERLOAD) are not modelled: kube-proxy never sets them,
 * so no dest is ever overloaded and the schedulers' OVERLOAD tests are always false.
 */
export class DestTable {
  /** Number of dests in the service's list. */
  count = 0;
  /**
   * `list[i]` = slot of the i-th dest in kernel list order for i < count. `__ip_vs_update_dest()` (ip_vs_ctl.c)
   * inserts with `list_add_rcu(&dest->n_list, &svc->destinations)`, i.e. at the HEAD: the newest dest is first.
   */
  list: Int32Array;
  /** `pos[slot]` = index of the dest in `list`, or -1 while it is not in the list (deleted). */
  pos: Int32Array;
  /** Number of slots allocated so far. */
  slots = 0;
  weight: Int32Array;
  /** `dest->last_weight`: the latest non-zero weight (only mh reads it). */
  lastWeight: Int32Array;
  activeConns: Int32Array;
  inactConns: Int32Array;
  /** Persistence templates bound to the dest (`dest->persistconns`). */
  persistConns: Int32Array;
  /** IPv4 address of the real server, host order (`ntohl(dest->addr.ip)`). */
  addr: Uint32Array;
  port: Int32Array;
  /** The simulator's endpoint id of the slot. */
  endpointId: Int32Array;
  /** The scheduler's index over the list, if it keeps one (see least.ts). */
  watcher: DestWatcher | null = null;

  constructor(capacity: number) {
    const cap = Math.max(4, capacity);
    this.list = new Int32Array(cap);
    this.pos = new Int32Array(cap);
    this.weight = new Int32Array(cap);
    this.lastWeight = new Int32Array(cap);
    this.activeConns = new Int32Array(cap);
    this.inactConns = new Int32Array(cap);
    this.persistConns = new Int32Array(cap);
    this.addr = new Uint32Array(cap);
    this.port = new Int32Array(cap);
    this.endpointId = new Int32Array(cap);
  }

  /** A new slot, not yet in the list. */
  allocSlot(endpointId: number, addr: number, port: number): number {
    if (this.slots === this.pos.length) this.grow();
    const slot = this.slots++;
    this.pos[slot] = -1;
    this.addr[slot] = addr;
    this.port[slot] = port;
    this.endpointId[slot] = endpointId;
    return slot;
  }

  /** `list_add_rcu()`: insert at the head of the list. */
  linkHead(slot: number): void {
    const list = this.list;
    for (let i = this.count; i > 0; i--) {
      const s = list[i - 1]!;
      list[i] = s;
      this.pos[s] = i;
    }
    list[0] = slot;
    this.pos[slot] = 0;
    this.count++;
    this.watcher?.rebuild(this);
  }

  /** `list_del_rcu()`; returns the index the dest had. */
  unlink(slot: number): number {
    const list = this.list;
    const at = this.pos[slot]!;
    for (let i = at + 1; i < this.count; i++) {
      const s = list[i]!;
      list[i - 1] = s;
      this.pos[s] = i - 1;
    }
    this.count--;
    this.pos[slot] = -1;
    this.watcher?.rebuild(this);
    return at;
  }

  setWeight(slot: number, weight: number): void {
    this.weight[slot] = weight;
    this.watcher?.update(this, slot);
  }

  /** `ip_vs_bind_dest` of a normal connection: it starts INACTIVE. */
  bindInactive(slot: number): void {
    this.inactConns[slot]!++;
    this.watcher?.update(this, slot);
  }

  /** `set_tcp_state` → ESTABLISHED. */
  activate(slot: number): void {
    this.inactConns[slot]!--;
    this.activeConns[slot]!++;
    this.watcher?.update(this, slot);
  }

  /** `set_tcp_state` → any state but ESTABLISHED (the first FIN). */
  deactivate(slot: number): void {
    this.activeConns[slot]!--;
    this.inactConns[slot]!++;
    this.watcher?.update(this, slot);
  }

  /** `ip_vs_unbind_dest` of an INACTIVE connection. */
  unbindInactive(slot: number): void {
    this.inactConns[slot]!--;
    this.watcher?.update(this, slot);
  }

  /** `ip_vs_unbind_dest` of an ACTIVE connection. */
  unbindActive(slot: number): void {
    this.activeConns[slot]!--;
    this.watcher?.update(this, slot);
  }

  private grow(): void {
    const cap = this.pos.length * 2;
    this.list = copyInto(new Int32Array(cap), this.list);
    this.pos = copyInto(new Int32Array(cap), this.pos);
    this.weight = copyInto(new Int32Array(cap), this.weight);
    this.lastWeight = copyInto(new Int32Array(cap), this.lastWeight);
    this.activeConns = copyInto(new Int32Array(cap), this.activeConns);
    this.inactConns = copyInto(new Int32Array(cap), this.inactConns);
    this.persistConns = copyInto(new Int32Array(cap), this.persistConns);
    this.addr = copyInto(new Uint32Array(cap), this.addr);
    this.port = copyInto(new Int32Array(cap), this.port);
    this.endpointId = copyInto(new Int32Array(cap), this.endpointId);
  }
}

function copyInto<T extends Int32Array | Uint32Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
}
