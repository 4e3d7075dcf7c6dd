// One IPVS virtual service on one node: its real servers, scheduler, connection accounting and persistence.

import { formatIPv4 } from '../ip.js';
import { ExpiryQueue } from './expiry.js';
import { PersistenceTable } from './persistence.js';
import { createScheduler, type Scheduler, type SchedulerFlags, type SchedulerName } from './scheduler.js';
import { DestTable } from './table.js';

/** Default TCP state timeouts, seconds (`tcp_timeouts[]`, net/netfilter/ipvs/ip_vs_proto_tcp.c). */
export const TCP_TIMEOUTS = {
  established: 900,
  synRecv: 60,
  finWait: 120,
  timeWait: 120,
  closeWait: 60,
} as const;

/** Endpoint ids are indices into a Service port's endpoint list: 2^24 is far beyond any EndpointSlice set. */
const MAX_ENDPOINT_ID = 1 << 24;

export interface IpvsServiceOptions {
  scheduler: SchedulerName;
  flags?: SchedulerFlags;
  /**
   * `ipvsadm -p <timeout>`: a persistent service with this template timeout in seconds (kube-proxy: sessionAffinity
   * ClientIP with `timeoutSeconds`, default 10800). Omitted or 0: not persistent.
   */
  persistentTimeout?: number;
  /**
   * sysctl net.ipv4.vs.expire_quiescent_template. Default true: kube-proxy's IPVS proxier sets it to 1
   * (pkg/proxy/ipvs/proxier.go, `sysctlExpireQuiescentTemplate`), so a client whose template points at a real
   * server with weight 0 (terminating) is rescheduled. The kernel's own default is 0 (sticky clients keep going to
   * a weight-0 server).
   */
  expireQuiescentTemplate?: boolean;
  /**
   * Seconds a closed connection stays bound (inactive) after the close: the NAT close sequence ends in TIME_WAIT
   * or FIN_WAIT, 120 s each by default.
   */
  finTimeout?: number;
  /** Seconds a connection that never got ESTABLISHED stays bound (SYN_RECV, 60 s). */
  synRecvTimeout?: number;
  /** Expected number of distinct real servers (the tables grow past it). */
  capacity?: number;
}

/** One real server as `ipvsadm -Ln` (and `--persistent-conn`) shows it. */
export interface IpvsDestSnapshot {
  endpointId: number;
  address: string;
  port: number;
  weight: number;
  activeConns: number;
  inactConns: number;
  persistConns: number;
}

export interface IpvsServiceSnapshot {
  scheduler: SchedulerName;
  /** ipvsadm's spelling, e.g. ["sh-fallback", "sh-port"]. */
  schedulerFlags: string[];
  /** `persistent <timeout>`, or null for a non-persistent service. */
  persistentTimeout: number | null;
  /** Kernel list order (newest first); ipvsadm itself sorts by address unless `--nosort`. */
  dests: IpvsDestSnapshot[];
}

/**
 * An IPVS virtual service on one node, driven by a simulator with its own clock (seconds, never going back).
 *
 * Connection accounting follows the kernel: a new connection is bound INACTIVE (`ip_vs_bind_dest`, ip_vs_conn.c:
 * `dest->conn_flags` always carries IP_VS_CONN_F_INACTIVE), becomes ACTIVE when its TCP state becomes ESTABLISHED,
 * INACTIVE again from the first FIN (`set_tcp_state`, ip_vs_proto_tcp.c), and is unbound when its state timeout
 * runs out. The simulator reports the transitions; expiries of closed connections are applied lazily, before
 * every schedule. For a persistent service the calls that end a connection take the client address, so the
 * client's template knows when it stops controlling connections.
 */
export class IpvsService {
  readonly scheduler: Scheduler;
  private readonly t: DestTable;
  private readonly persist: PersistenceTable | null;
  private readonly finQueue = new ExpiryQueue();
  private readonly synQueue = new ExpiryQueue(16);
  /** Slot per endpoint id (-1: never added): a typed array, since every packet of a connection looks it up. */
  private slotByEndpoint = new Int32Array(16).fill(-1);
  private readonly finTimeout: number;
  private readonly synRecvTimeout: number;

  constructor(options: IpvsServiceOptions) {
    this.scheduler = createScheduler(options.scheduler, options.flags);
    this.t = new DestTable(options.capacity ?? 16);
    const timeout = options.persistentTimeout ?? 0;
    if (!(timeout >= 0)) throw new RangeError(`persistentTimeout must be >= 0, got ${timeout}`);
    this.persist = timeout > 0 ? new PersistenceTable(timeout, options.expireQuiescentTemplate ?? true) : null;
    this.finTimeout = options.finTimeout ?? TCP_TIMEOUTS.timeWait;
    this.synRecvTimeout = options.synRecvTimeout ?? TCP_TIMEOUTS.synRecv;
  }

  /** The dest table, for reading (renderers, checks); every change must go through the service's methods. */
  get table(): DestTable {
    return this.t;
  }

  /** Number of real servers in the list. */
  get destCount(): number {
    return this.t.count;
  }

  /** Slot of the i-th real server in kernel list order (0 = most recently added). */
  destAt(i: number): number {
    if (i < 0 || i >= this.t.count) throw new RangeError(`no dest at list index ${i}`);
    return this.t.list[i]!;
  }

  /** Per-slot counters and weights (the arrays are replaced when the table grows: read them per use). */
  get activeConns(): Int32Array {
    return this.t.activeConns;
  }

  get inactConns(): Int32Array {
    return this.t.inactConns;
  }

  /** Exact after `expire(now, true)` or `snapshot(now)`; between sweeps it may still count timed-out templates. */
  get persistConns(): Int32Array {
    return this.t.persistConns;
  }

  get weights(): Int32Array {
    return this.t.weight;
  }

  endpointIdOf(slot: number): number {
    return this.t.endpointId[slot]!;
  }

  /** Slot of an endpoint that was ever added, else -1. */
  slotOf(endpointId: number): number {
    return this.slotByEndpoint[endpointId] ?? -1;
  }

  /** Whether the slot's dest is currently in the service's list. */
  inList(slot: number): boolean {
    return slot >= 0 && slot < this.t.slots && this.t.pos[slot]! >= 0;
  }

  /**
   * `ipvsadm -a` (`ip_vs_add_dest` → `__ip_vs_update_dest(add)`): link the real server at the HEAD of the list,
   * then call the scheduler's add_dest. kube-proxy adds real servers in its own (unordered set) order with weight
   * 1, so each node's list order is the caller's insertion order reversed. Re-adding a deleted endpoint reuses its
   * slot and counters (the kernel's dest trash). Returns the slot.
   */
  addDest(endpointId: number, addr: number, port: number, weight: number): number {
    checkWeight(weight);
    const t = this.t;
    if (!(Number.isInteger(endpointId) && endpointId >= 0 && endpointId < MAX_ENDPOINT_ID)) {
      throw new RangeError(`endpoint id must be an integer in [0, ${MAX_ENDPOINT_ID}): ${endpointId}`);
    }
    if (endpointId >= this.slotByEndpoint.length) {
      const grown = new Int32Array(Math.max(endpointId + 1, 2 * this.slotByEndpoint.length)).fill(-1);
      grown.set(this.slotByEndpoint);
      this.slotByEndpoint = grown;
    }
    let slot = this.slotByEndpoint[endpointId]!;
    if (slot < 0) {
      slot = t.allocSlot(endpointId, addr >>> 0, port);
      this.slotByEndpoint[endpointId] = slot;
    } else if (t.pos[slot]! >= 0) {
      throw new RangeError(`endpoint ${endpointId} is already a real server of this service`);
    }
    // "keep the last_weight with latest non-0 weight": an add always sets it.
    t.lastWeight[slot] = weight;
    t.setWeight(slot, weight);
    t.linkHead(slot);
    this.scheduler.addDest?.(t, slot);
    return slot;
  }

  /**
   * `ipvsadm -e` (`ip_vs_edit_dest` → `__ip_vs_update_dest(!add)`): the dest keeps its list position; last_weight
   * follows only non-zero weights; then the scheduler's upd_dest. kube-proxy sets weight 0 on a terminating real
   * server (graceful termination) before deleting it.
   */
  editWeight(slot: number, weight: number): void {
    checkWeight(weight);
    const t = this.t;
    this.requireInList(slot);
    if (weight !== 0) t.lastWeight[slot] = weight;
    t.setWeight(slot, weight);
    this.scheduler.updDest?.(t, slot);
  }

  /** `ipvsadm -d` (`__ip_vs_unlink_dest`): unlink, then the scheduler's del_dest. Its connections stay bound. */
  delDest(slot: number): void {
    this.requireInList(slot);
    const formerIndex = this.t.unlink(slot);
    this.scheduler.delDest?.(this.t, slot, formerIndex);
  }

  /**
   * A new connection from `src:srcPort` to the virtual address `dst` (host-order IPv4) at time `now`: returns the
   * real server's slot, or -1 when the scheduler finds none (the kernel drops the SYN with ICMP port unreachable).
   * The connection is bound INACTIVE; persistence (`ip_vs_sched_persist`) runs first on a persistent service.
   */
  schedule(now: number, src: number, srcPort: number, dst: number): number {
    this.expire(now);
    if (this.persist !== null) return this.persist.schedule(now, this.t, this.scheduler, src, srcPort, dst);
    const slot = this.scheduler.schedule(this.t, src, srcPort, dst);
    if (slot >= 0) this.t.bindInactive(slot);
    return slot;
  }

  /** The connection reached ESTABLISHED: inactive → active. */
  established(slot: number): void {
    this.t.activate(slot);
  }

  /**
   * The established connection was closed (first FIN) at `now`: active → inactive; it stays bound until
   * now + finTimeout. `client` is the address the connection was scheduled for.
   */
  closed(now: number, slot: number, client: number): void {
    this.t.deactivate(slot);
    this.finQueue.push(now + this.finTimeout, slot, client);
  }

  /** A connection that never got ESTABLISHED was given up at `now`: it stays bound (inactive) for synRecvTimeout. */
  abandoned(now: number, slot: number, client: number): void {
    this.synQueue.push(now + this.synRecvTimeout, slot, client);
  }

  /** An ESTABLISHED connection sat idle past the ESTABLISHED timeout (900 s) and IPVS expired it at `now`. */
  expiredIdle(now: number, slot: number, client: number): void {
    this.t.unbindActive(slot);
    this.persist?.unbind(now, slot, client);
  }

  /**
   * Unbind every closed or abandoned connection whose timeout is <= now, and drop timed-out persistence templates
   * (at most once a minute of sim time, or now when `sweepTemplates`).
   */
  expire(now: number, sweepTemplates = false): void {
    this.drain(this.finQueue, now);
    this.drain(this.synQueue, now);
    this.persist?.sweep(now, this.t, sweepTemplates);
  }

  /** The service as `ipvsadm -Ln --persistent-conn` would show it at `now`. */
  snapshot(now: number): IpvsServiceSnapshot {
    this.expire(now, true);
    const t = this.t;
    const dests: IpvsDestSnapshot[] = [];
    for (let i = 0; i < t.count; i++) {
      const d = t.list[i]!;
      dests.push({
        endpointId: t.endpointId[d]!,
        address: formatIPv4(t.addr[d]!),
        port: t.port[d]!,
        weight: t.weight[d]!,
        activeConns: t.activeConns[d]!,
        inactConns: t.inactConns[d]!,
        persistConns: t.persistConns[d]!,
      });
    }
    return {
      scheduler: this.scheduler.name,
      schedulerFlags: [...this.scheduler.flagNames],
      persistentTimeout: this.persist === null ? null : this.persist.timeout,
      dests,
    };
  }

  private drain(q: ExpiryQueue, now: number): void {
    while (q.headAt <= now) {
      const slot = q.headSlot;
      this.t.unbindInactive(slot);
      this.persist?.unbind(q.headAt, slot, q.headClient);
      q.shift();
    }
  }

  private requireInList(slot: number): void {
    if (!this.inList(slot)) {
      throw new RangeError(`slot ${slot} is not a real server of this service`);
    }
  }
}

/** `ip_vs_add_dest` / `ip_vs_edit_dest` reject `weight < 0` with -ERANGE. */
function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 0x7fffffff) {
    throw new RangeError(`weight must be an integer >= 0, got ${weight}`);
  }
}
