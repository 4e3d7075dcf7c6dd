// The IPVS table kube-proxy's ipvs proxier programs on one node, printed as `ipvsadm -Ln`,
// `ipvsadm -Ln --stats` and `ipvsadm -Ln --nosort` (ipvsadm 1.31) print it.
//
// Virtual servers (pkg/proxy/ipvs/proxier.go syncProxyRules): per Service port its ClusterIP, each external
// IP, each load-balancer ingress IP, and the NodePort on each node address; all with the configured
// scheduler, `persistent <timeoutSeconds>` under ClientIP affinity, and the mh scheduler's source-port flag
// (kube-proxy sets FlagSourceHash = IP_VS_SVC_F_SCHED2, which ipvsadm names "mh-port"). Real servers
// (syncEndpoint): the ClusterIP gets CategorizeEndpoints' cluster endpoints (the local ones under ITP=Local);
// the external addresses get the local ones under ETP=Local and fall back to the cluster endpoints when
// the node has none (kubernetes PR 97081). Masq forwarding, weight 1.
//
// Graceful termination (pkg/proxy/ipvs/graceful_termination.go): an endpoint that leaves the set is not
// deleted but set to weight 0, and removed once it has no active or inactive connection (TCP only; UDP
// and SCTP real servers are deleted at once). A snapshot does not say which endpoints left recently, so
// every terminating endpoint that the node could otherwise use is shown at weight 0 — unless the caller's
// counters say it has no connection left.
//
// Order: the kernel keeps a virtual server's destinations in a list and puts each new one at the head
// (net/netfilter/ipvs/ip_vs_ctl.c ip_vs_new_dest: list_add_rcu); kube-proxy adds them from an unordered set
// (`newEndpoints.UnsortedList()`), so the list order is per node and per sync. The caller supplies it
// (e.g. a seeded permutation); by default the endpoints are added in kube-proxy's sorted order, which
// leaves them reversed in the kernel. ipvsadm sorts both services and destinations unless --nosort
// (libipvs ipvs_cmp_services / ipvs_cmp_dests); --nosort shows destinations in kernel order, while the
// services stay sorted here because their kernel order comes from a hash salted with the namespace's address.

import { parseIPv4 } from '../dataplane/ip.js';
import type { ServicePortEndpoint } from '../scenario/cluster.js';
import { endpointString } from '../scenario/cluster.js';
import { RenderInputError } from './errors.js';
import { nodePortIPs, type ProxyRenderOptions, resolveProxyOptions } from './options.js';
import type { NodeView, ServicePortView, TraversalSummary } from './servicePorts.js';

/** Per real-server counters, as the simulation or a node reports them (all default 0). */
export interface IpvsRealServerCounters {
  activeConn?: number;
  inActConn?: number;
  conns?: number;
  inPkts?: number;
  outPkts?: number;
  inBytes?: number;
  outBytes?: number;
}

export type IpvsSchedulerFlag = 'sh-fallback' | 'sh-port' | 'mh-fallback' | 'mh-port';

export interface IpvsRenderOptions {
  /** `--ipvs-scheduler` (default rr). */
  scheduler?: string;
  /** Scheduler flags to set on every virtual server (`ipvsadm -b`), on top of the mh-port kube-proxy sets for mh. */
  schedulerFlags?: readonly IpvsSchedulerFlag[];
  /**
   * Kernel list order (head first) of each Service port's real servers, keyed by ServicePortName
   * ("ns/name:port"), as "ip:port". Must list exactly the port's real servers. Default: reverse of kube-proxy's
   * sorted order.
   */
  realServerOrder?: Readonly<Record<string, readonly string[]>>;
  /** Counters keyed by kube-proxy's VirtualServer.String() ("10.96.0.10:53/UDP"), then by real server "ip:port". */
  realServerStats?: Record<string, Record<string, IpvsRealServerCounters>>;
}

export interface IpvsRealServer {
  address: string;
  port: number;
  /** 1, or 0 while a terminating endpoint drains. */
  weight: number;
  activeConn: number;
  inActConn: number;
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

export interface IpvsVirtualServer {
  /** kube-proxy's VirtualServer.String(): "ip:port/PROTO". */
  key: string;
  servicePortName: string;
  kind: 'clusterIP' | 'externalIP' | 'loadBalancer' | 'nodePort';
  protocol: 'TCP' | 'UDP' | 'SCTP';
  address: string;
  port: number;
  scheduler: string;
  /** IP_VS_SVC_F_* flags kube-proxy sets (PERSISTENT 0x1, SCHED1 0x8, SCHED2 0x10). */
  flags: number;
  /** Persistence timeout in seconds (0 without ClientIP affinity). */
  timeout: number;
  /** Real servers in kernel list order. */
  realServers: IpvsRealServer[];
}

/** IPVS looks the virtual service up in a hash table: one lookup, whatever the number of Services. */
export interface IpvsTraversal extends TraversalSummary {
  /** The virtual server has no real server with a non-zero weight: IPVS finds no destination. */
  noDestination: boolean;
}

export interface IpvsCounts {
  virtualServers: number;
  realServers: number;
  rulesTraversedToTarget: IpvsTraversal | null;
}

export interface IpvsRendering {
  /** `ipvsadm -Ln`. */
  text: string;
  /** `ipvsadm -Ln --stats`. */
  statsText: string;
  /** `ipvsadm -Ln --nosort`: destinations in kernel list order. */
  nosortText: string;
  virtualServers: IpvsVirtualServer[];
  counts: IpvsCounts;
}

const IP_VS_SVC_F_PERSISTENT = 0x0001;
const IP_VS_SVC_F_SCHED1 = 0x0008;
const IP_VS_SVC_F_SCHED2 = 0x0010;
const IP_VS_SVC_F_SCHED3 = 0x0020;

const FLAG_BITS: Record<IpvsSchedulerFlag, number> = {
  'sh-fallback': IP_VS_SVC_F_SCHED1,
  'sh-port': IP_VS_SVC_F_SCHED2,
  'mh-fallback': IP_VS_SVC_F_SCHED1,
  'mh-port': IP_VS_SVC_F_SCHED2,
};

const IPPROTO = { TCP: 6, UDP: 17, SCTP: 132 } as const;

/** kube-proxy's VirtualServer.String(). */
export function ipvsVirtualServerKey(address: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): string {
  return `${endpointString(address, port)}/${protocol}`;
}

const u32Cache = new Map<string, number>();

/** Dotted quad → u32, memoised for the duration of one render (sorting compares each address many times). */
function ipv4ToU32(address: string): number {
  const cached = u32Cache.get(address);
  if (cached !== undefined) return cached;
  const v = parseIPv4(address);
  u32Cache.set(address, v);
  return v;
}

/**
 * libipvs compares with `ntohl(a) - ntohl(b)` in an int, so the difference wraps: addresses compare by their
 * offset modulo 2^32, which orders 172.x before 192.x before 10.x. Consistent whenever the addresses span
 * less than half the space, as a cluster's Service, node and pod ranges do.
 */
function compareAddresses(a: string, b: string): number {
  return (ipv4ToU32(a) - ipv4ToU32(b)) | 0;
}

function compareServices(a: IpvsVirtualServer, b: IpvsVirtualServer): number {
  return IPPROTO[a.protocol] - IPPROTO[b.protocol] || compareAddresses(a.address, b.address) || a.port - b.port;
}

function compareDests(a: IpvsRealServer, b: IpvsRealServer): number {
  return compareAddresses(a.address, b.address) || a.port - b.port;
}

/** ipvsadm's print_largenum without --exact. */
function largenum(i: number): string {
  if (i < 1e8) return String(i).padStart(9);
  if (i < 1e9) return `${String(Math.floor(i / 1e3)).padStart(8)}K`;
  if (i < 1e11) return `${String(Math.floor(i / 1e6)).padStart(8)}M`;
  if (i < 1e14) return `${String(Math.floor(i / 1e9)).padStart(8)}G`;
  return `${String(Math.floor(i / 1e12)).padStart(8)}T`;
}

/** ipvsadm's print_sched_flags: named for sh and mh, flag-N otherwise. */
function schedFlags(scheduler: string, flags: number): string {
  const names: string[] = [];
  if (scheduler === 'sh' || scheduler === 'mh') {
    if (flags & IP_VS_SVC_F_SCHED1) names.push(`${scheduler}-fallback`);
    if (flags & IP_VS_SVC_F_SCHED2) names.push(`${scheduler}-port`);
  } else {
    if (flags & IP_VS_SVC_F_SCHED1) names.push('flag-1');
    if (flags & IP_VS_SVC_F_SCHED2) names.push('flag-2');
  }
  if (flags & IP_VS_SVC_F_SCHED3) names.push('flag-3');
  return names.length === 0 ? '' : ` (${names.join(',')})`;
}

/** `sprintf("%-4s %s", proto, "ip:port")`, cut at 33 characters for IPv4. */
function svcName(vs: IpvsVirtualServer): string {
  return `${vs.protocol.padEnd(4)} ${endpointString(vs.address, vs.port)}`.slice(0, 33);
}

function destName(rs: IpvsRealServer): string {
  return endpointString(rs.address, rs.port).slice(0, 28);
}

function listText(vss: readonly IpvsVirtualServer[], sortDests: boolean): string {
  const lines = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const vs of vss) {
    let line = `${svcName(vs)} ${vs.scheduler}${schedFlags(vs.scheduler, vs.flags)}`;
    if (vs.flags & IP_VS_SVC_F_PERSISTENT) line += ` persistent ${vs.timeout}`;
    lines.push(line);
    const dests = sortDests ? [...vs.realServers].sort(compareDests) : vs.realServers;
    for (const rs of dests) {
      lines.push(
        `  -> ${destName(rs).padEnd(28)} ${'Masq'.padEnd(7)} ${String(rs.weight).padEnd(6)} ${String(rs.activeConn).padEnd(10)} ${String(rs.inActConn).padEnd(10)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function statsText(vss: readonly IpvsVirtualServer[]): string {
  const header = [
    'Prot LocalAddress:Port'.padEnd(33),
    ...['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((h) => h.padStart(8)),
  ];
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', header.join(' '), '  -> RemoteAddress:Port'];
  for (const vs of vss) {
    // The kernel counts each packet for the service and for its destination: the service line is the sum.
    const sum = (f: 'conns' | 'inPkts' | 'outPkts' | 'inBytes' | 'outBytes') =>
      vs.realServers.reduce((a, rs) => a + rs[f], 0);
    lines.push(
      `${svcName(vs).padEnd(33)}${largenum(sum('conns'))}${largenum(sum('inPkts'))}${largenum(sum('outPkts'))}${largenum(sum('inBytes'))}${largenum(sum('outBytes'))}`,
    );
    for (const rs of [...vs.realServers].sort(compareDests)) {
      lines.push(
        `  -> ${destName(rs).padEnd(28)}${largenum(rs.conns)}${largenum(rs.inPkts)}${largenum(rs.outPkts)}${largenum(rs.inBytes)}${largenum(rs.outBytes)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** IsRsGracefulTerminationNeeded: only TCP real servers wait for their connections to expire. */
function drainsGracefully(protocol: 'TCP' | 'UDP' | 'SCTP'): boolean {
  return protocol === 'TCP';
}

interface PortRealServers {
  /** Endpoints kube-proxy adds with weight 1. */
  active: ServicePortEndpoint[];
  /** Terminating endpoints kept at weight 0 while they drain. */
  draining: ServicePortEndpoint[];
}

/** syncEndpoint's choice for one virtual server of a Service port. */
function realServersFor(sp: ServicePortView, onlyNodeLocal: boolean, nodeName: string): PortRealServers {
  const active = onlyNodeLocal && sp.localEndpoints.length > 0 ? sp.localEndpoints : sp.clusterEndpoints;
  const chosen = new Set(active);
  const localOnly = onlyNodeLocal && sp.localEndpoints.length > 0;
  const draining = drainsGracefully(sp.protocol)
    ? sp.endpoints.filter(
        (ep) => ep.conditions.terminating && !chosen.has(ep) && (!localOnly || ep.nodeName === nodeName),
      )
    : [];
  return { active, draining };
}

export function renderIpvs(
  view: NodeView,
  proxyOptions: ProxyRenderOptions = {},
  ipvsOptions: IpvsRenderOptions = {},
  target: ServicePortView | null = null,
): IpvsRendering {
  const opts = resolveProxyOptions(proxyOptions);
  const scheduler = ipvsOptions.scheduler ?? 'rr';
  let schedulerBits = 0;
  for (const f of ipvsOptions.schedulerFlags ?? []) schedulerBits |= FLAG_BITS[f];
  // Set the source hash flag needed for the distribution method "mh".
  if (scheduler === 'mh') schedulerBits |= IP_VS_SVC_F_SCHED2;
  const nodePorts = nodePortIPs(view, opts);
  // MatchAll: every address of the node except the kube-ipvs0 dummy and loopback (isValidForSet).
  const nodeIPs = nodePorts.matchAll ? view.nodeIPs : nodePorts.ips.filter((ip) => !ip.startsWith('127.'));
  const orders = ipvsOptions.realServerOrder ?? {};
  const stats = ipvsOptions.realServerStats ?? {};
  for (const name of Object.keys(orders)) {
    if (!view.servicePorts.some((sp) => sp.name === name)) {
      throw new RenderInputError(
        `ipvs.realServerOrder.${name}`,
        `no Service port "${name}" gets IPVS rules on this node`,
      );
    }
  }

  const virtualServers: IpvsVirtualServer[] = [];
  let targetVS: IpvsVirtualServer | null = null;
  for (const sp of view.servicePorts) {
    const flags = schedulerBits | (sp.clientIPAffinity ? IP_VS_SVC_F_PERSISTENT : 0);
    const timeout = sp.clientIPAffinity ? sp.affinityTimeoutSeconds : 0;
    const add = (kind: IpvsVirtualServer['kind'], address: string, port: number, onlyNodeLocal: boolean) => {
      const key = ipvsVirtualServerKey(address, port, sp.protocol);
      const chosen = realServersFor(sp, onlyNodeLocal, view.node.name);
      const counters = stats[key] ?? {};
      const make = (ep: ServicePortEndpoint, weight: number): IpvsRealServer => {
        const c = counters[endpointString(ep.address, ep.port)] ?? {};
        return {
          address: ep.address,
          port: ep.port,
          weight,
          activeConn: c.activeConn ?? 0,
          inActConn: c.inActConn ?? 0,
          conns: c.conns ?? 0,
          inPkts: c.inPkts ?? 0,
          outPkts: c.outPkts ?? 0,
          inBytes: c.inBytes ?? 0,
          outBytes: c.outBytes ?? 0,
        };
      };
      const hasCounters = stats[key] !== undefined;
      const draining = chosen.draining
        .map((ep) => make(ep, 0))
        .filter((rs) => !hasCounters || rs.activeConn + rs.inActConn > 0);
      // Added in kube-proxy's order, each at the list head: the newest first, the draining (older) ones last.
      const active = chosen.active.map((ep) => make(ep, 1)).reverse();
      const realServers = orderRealServers(sp, [...active, ...draining], orders[sp.name]);
      const vs: IpvsVirtualServer = {
        key,
        servicePortName: sp.name,
        kind,
        protocol: sp.protocol,
        address,
        port,
        scheduler,
        flags,
        timeout,
        realServers,
      };
      virtualServers.push(vs);
      return vs;
    };
    const clusterVS = add('clusterIP', sp.clusterIP, sp.port.port, sp.internalPolicyLocal);
    if (sp === target) targetVS = clusterVS;
    for (const ip of sp.externalIPs) add('externalIP', ip, sp.port.port, sp.externalPolicyLocal);
    for (const ip of sp.loadBalancerVIPs) add('loadBalancer', ip, sp.port.port, sp.externalPolicyLocal);
    if (sp.nodePort !== 0) for (const ip of nodeIPs) add('nodePort', ip, sp.nodePort, sp.externalPolicyLocal);
  }

  const sorted = [...virtualServers].sort(compareServices);
  const text = listText(sorted, true);
  const statsListing = statsText(sorted);
  const nosortText = listText(sorted, false);
  u32Cache.clear();
  let realServers = 0;
  for (const vs of virtualServers) realServers += vs.realServers.length;
  return {
    text,
    statsText: statsListing,
    nosortText,
    virtualServers,
    counts: {
      virtualServers: virtualServers.length,
      realServers,
      rulesTraversedToTarget: targetVS === null ? null : traversal(targetVS),
    },
  };
}

/**
 * Puts a virtual server's real servers in the caller's kernel order. One order serves every virtual server of
 * the Service port (they can hold different subsets under a Local policy), so it must name each of their real
 * servers, once, and nothing that is not an endpoint of the port.
 */
function orderRealServers(
  sp: ServicePortView,
  kernelDefault: IpvsRealServer[],
  order: readonly string[] | undefined,
): IpvsRealServer[] {
  if (order === undefined) return kernelDefault;
  const path = `ipvs.realServerOrder.${sp.name}`;
  const rank = new Map<string, number>();
  const known = new Set(sp.endpoints.map((ep) => endpointString(ep.address, ep.port)));
  order.forEach((key, i) => {
    if (!known.has(key)) throw new RenderInputError(path, `"${key}" is not an endpoint of ${sp.name}`);
    if (rank.has(key)) throw new RenderInputError(path, `"${key}" is listed twice`);
    rank.set(key, i);
  });
  for (const rs of kernelDefault) {
    const key = endpointString(rs.address, rs.port);
    if (!rank.has(key)) throw new RenderInputError(path, `real server "${key}" is missing from the order`);
  }
  return [...kernelDefault].sort(
    (a, b) => (rank.get(endpointString(a.address, a.port)) ?? 0) - (rank.get(endpointString(b.address, b.port)) ?? 0),
  );
}

function traversal(vs: IpvsVirtualServer): IpvsTraversal {
  const usable = vs.realServers.filter((rs) => rs.weight > 0);
  return {
    path: 'clusterIP',
    perEndpoint: usable.map((rs) => ({ endpoint: endpointString(rs.address, rs.port), rules: 1 })),
    min: 1,
    mean: 1,
    max: 1,
    noDestination: usable.length === 0,
  };
}
