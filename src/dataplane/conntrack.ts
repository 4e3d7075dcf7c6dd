// A node's conntrack table as far as capacity goes: every connection the node translated holds an entry
// from its first packet until it closes plus TIME_WAIT; a new connection finding the table full is
// dropped ("nf_conntrack: table full, dropping packet").

import { unwrapRing } from '../engine/arrays.js';
import type { Node } from '../scenario/cluster.js';

/** nf_conntrack_proto_tcp.c `tcp_timeouts[TCP_CONNTRACK_TIME_WAIT] = 2 MINS`. */
export const TCP_TIME_WAIT_SECONDS = 120;

/** kube-proxy defaults (pkg/proxy/apis/config/v1alpha1/defaults.go): conntrack.maxPerCore, conntrack.min. */
export const CONNTRACK_MAX_PER_CORE_DEFAULT = 32 * 1024;
export const CONNTRACK_MIN_DEFAULT = 128 * 1024;

/**
 * CPUs kube-proxy counts on `node`. kube-proxy uses the machine's CPU count (cmd/kube-proxy/app/conntrack.go
 * detectNumCPU: sysfs topology, else runtime.NumCPU()); a snapshot only has allocatable CPU, which is the
 * capacity minus system/kube reservations (usually under one core), so the capacity is recovered as
 * ceil(allocatable), at least 1.
 */
export function nodeCPUs(node: Pick<Node, 'cpu'>): number {
  return Math.max(1, Math.ceil(node.cpu));
}

export interface ConntrackSizing {
  maxPerCore: number;
  min: number;
}

/**
 * nf_conntrack_max as kube-proxy sets it (conntrack.go getConntrackMax): max(maxPerCore × CPUs, min) when
 * maxPerCore > 0; with maxPerCore = 0 kube-proxy leaves the kernel's value alone, which this returns as null.
 */
export function conntrackMax(sizing: ConntrackSizing, cpus: number): number | null {
  if (sizing.maxPerCore <= 0) return null;
  return Math.max(sizing.maxPerCore * cpus, sizing.min);
}

/**
 * One node's table. Open connections are counted; a closed connection's entry lingers until
 * close + TIME_WAIT. All lingering entries share one timeout and close times arrive in order, so their
 * expiries form a FIFO: expiry is lazy and O(1) amortised (a ring buffer of expiry times, no per-entry
 * objects). The kernel checks the limit as `count after increment > nf_conntrack_max`, so the table holds
 * exactly `capacity` entries.
 *
 * Not modelled: the kernel's conntrack GC runs periodically, so expired entries may still count for a
 * while; and after a full-table drop its next run early-drops entries in closing states (TIME_WAIT among
 * them) while the table is above 95 % (nf_conntrack_core.c gc_worker), which relieves a table filled by
 * TIME_WAIT entries sooner than their timeout.
 */
export class ConntrackTable {
  readonly capacity: number;
  readonly timeWaitSeconds: number;
  private open = 0;
  private ring: Float64Array;
  private ringHead = 0;
  private ringLength = 0;
  /** Highest number of entries ever held. */
  peak = 0;
  /** New connections refused because the table was full. */
  drops = 0;

  constructor(capacity: number, timeWaitSeconds: number = TCP_TIME_WAIT_SECONDS) {
    if (!(capacity >= 1)) throw new RangeError(`conntrack capacity must be ≥ 1: ${capacity}`);
    this.capacity = capacity;
    this.timeWaitSeconds = timeWaitSeconds;
    this.ring = new Float64Array(1024);
  }

  /** Entries held at `now` (open connections plus those still in TIME_WAIT). */
  entries(now: number): number {
    this.expire(now);
    return this.open + this.ringLength;
  }

  /** A new connection's first packet at `now`: true if it got an entry, false if the table was full. */
  tryOpen(now: number): boolean {
    this.expire(now);
    const held = this.open + this.ringLength;
    if (held >= this.capacity) {
      this.drops++;
      return false;
    }
    this.open++;
    if (held + 1 > this.peak) this.peak = held + 1;
    return true;
  }

  /** A connection that got an entry closes at `now`; its entry expires TIME_WAIT later. Calls must come in time order. */
  close(now: number): void {
    if (this.open === 0) throw new RangeError('close without an open connection');
    this.open--;
    if (this.ringLength === this.ring.length) this.growRing();
    // The ring's length is a power of two, so positions wrap with a mask rather than an integer division.
    this.ring[(this.ringHead + this.ringLength) & (this.ring.length - 1)] = now + this.timeWaitSeconds;
    this.ringLength++;
  }

  private expire(now: number): void {
    const ring = this.ring;
    while (this.ringLength > 0 && ring[this.ringHead]! <= now) {
      this.ringHead = (this.ringHead + 1) & (ring.length - 1);
      this.ringLength--;
    }
  }

  private growRing(): void {
    const old = this.ring;
    const next = new Float64Array(old.length * 2);
    unwrapRing(old, this.ringHead, next); // the ring is full when it grows
    this.ring = next;
    this.ringHead = 0;
  }
}
