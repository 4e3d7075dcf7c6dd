// The IPVS data-plane model: one virtual service per node and Service port, schedulers as in the kernel.

// IPv4 as the kernel's schedulers see it: `ntohl(addr)`, a host-order u32 held in a JS number.
export { formatIPv4 as u32ToIpv4, parseIPv4 as ipv4ToU32 } from '../ip.js';
export {
  createScheduler,
  SCHEDULER_NAMES,
  type Scheduler,
  type SchedulerFlags,
  type SchedulerName,
} from './scheduler.js';
export {
  type IpvsDestSnapshot,
  IpvsService,
  type IpvsServiceOptions,
  type IpvsServiceSnapshot,
  TCP_TIMEOUTS,
} from './service.js';
export { DestTable } from './table.js';
