// The IPVS data-plane model: one virtual service per node and Service port, schedulers as in the kernel.

export { ipv4ToU32, u32ToIpv4 } from './addr.js';
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
