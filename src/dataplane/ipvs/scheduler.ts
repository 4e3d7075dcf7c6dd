// The scheduler contract (include/net/ip_vs.h `struct ip_vs_scheduler`) and the factory.

import { DhScheduler } from './dh.js';
import { LcScheduler } from './lc.js';
import { MhScheduler } from './mh.js';
import { NqScheduler } from './nq.js';
import { RrScheduler } from './rr.js';
import { SedScheduler } from './sed.js';
import { ShScheduler } from './sh.js';
import type { DestTable } from './table.js';
import { WlcScheduler } from './wlc.js';
import { WrrScheduler } from './wrr.js';

export type SchedulerName = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sed' | 'nq' | 'sh' | 'dh' | 'mh';

export const SCHEDULER_NAMES: readonly SchedulerName[] = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh'];

/** Scheduler flags (`ipvsadm -b`); only sh and mh have any. */
export interface SchedulerFlags {
  /** `sh-fallback` / `mh-fallback` (IP_VS_SVC_F_SCHED1): probe further buckets when the hashed dest has weight 0. */
  fallback?: boolean;
  /** `sh-port` / `mh-port` (IP_VS_SVC_F_SCHED2): hash the client's source port too. */
  port?: boolean;
  /** mh only: BITS_PER_LONG of the node's kernel, which decides what `hsiphash()` is (lib/siphash.c). Default 64. */
  longBits?: 64 | 32;
}

/**
 * One scheduler bound to one service. The service starts empty, as kube-proxy creates it (`ipvsadm -A`, then `-a`
 * per real server), so a freshly constructed scheduler holds what the kernel's `init_service` computes for an empty
 * list. Hooks mirror the kernel's: `add_dest` after the new dest is linked at the head of the list, `del_dest` after
 * it is unlinked, `upd_dest` after a weight edit; a scheduler whose kernel module has no such hook leaves the method
 * out. `schedule` returns a dest slot, or -1 ("no destination available": the kernel drops the packet and answers
 * ICMP port unreachable).
 */
export interface Scheduler {
  readonly name: SchedulerName;
  /** Flags in ipvsadm's spelling, e.g. ["sh-fallback", "sh-port"]. */
  readonly flagNames: readonly string[];
  addDest?(t: DestTable, slot: number): void;
  /** `formerIndex` is where the dest was in the list before it was unlinked. */
  delDest?(t: DestTable, slot: number, formerIndex: number): void;
  updDest?(t: DestTable, slot: number): void;
  /** `src`, `dst`: host-order IPv4 of the client and of the virtual address; `srcPort`: the client's port. */
  schedule(t: DestTable, src: number, srcPort: number, dst: number): number;
}

export function createScheduler(name: SchedulerName, flags: SchedulerFlags = {}): Scheduler {
  const fallback = flags.fallback === true;
  const port = flags.port === true;
  if ((fallback || port) && name !== 'sh' && name !== 'mh') {
    throw new RangeError(`scheduler flags are only defined for sh and mh, not ${name}`);
  }
  if (flags.longBits !== undefined && name !== 'mh') {
    throw new RangeError(`longBits only applies to mh, not ${name}`);
  }
  switch (name) {
    case 'rr':
      return new RrScheduler();
    case 'wrr':
      return new WrrScheduler();
    case 'lc':
      return new LcScheduler();
    case 'wlc':
      return new WlcScheduler();
    case 'sed':
      return new SedScheduler();
    case 'nq':
      return new NqScheduler();
    case 'sh':
      return new ShScheduler(fallback, port);
    case 'dh':
      return new DhScheduler();
    case 'mh':
      return new MhScheduler(fallback, port, flags.longBits ?? 64);
  }
}
