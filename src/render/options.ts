// kube-proxy settings the rendered rules depend on, with kube-proxy's defaults
// (pkg/proxy/apis/config/v1alpha1/defaults.go, cmd/kube-proxy) and the derived values the proxiers compute
// at start-up.

import { addressFamily, cidrContains, parseCidr } from '../dataplane/ip.js';
import { RenderInputError } from './errors.js';
import type { NodeView } from './servicePorts.js';

export interface ProxyRenderOptions {
  /**
   * `--cluster-cidr` (detect-local-mode ClusterCIDR), one CIDR per family, comma-separated. With it, traffic
   * to a ClusterIP from outside the range is masqueraded and ETP=Local pod traffic short-circuits; without
   * it kube-proxy writes neither rule.
   */
  clusterCIDR?: string | null;
  /** `--masquerade-all` (default false). */
  masqueradeAll?: boolean;
  /** `iptables.masqueradeBit` (default 14 → mark 0x4000). */
  masqueradeBit?: number;
  /** `--nodeport-addresses`: CIDRs, or ["primary"] for the node's own IPs; empty (default) = every local address. */
  nodePortAddresses?: readonly string[];
  /** `iptables.localhostNodePorts` (default true; off unless nodePortAddresses covers 127.0.0.1). */
  localhostNodePorts?: boolean;
  /** Endpoints above which the iptables proxier drops per-endpoint comments (default 1000). */
  largeClusterEndpointsThreshold?: number;
  /** The iptables binary supports `MASQUERADE --random-fully` (true for iptables ≥ 1.6.2). */
  randomFully?: boolean;
  /** `net.netfilter.nf_conntrack_tcp_be_liberal` is set: kube-proxy then omits the INVALID drop rule. */
  conntrackTCPLiberal?: boolean;
  /**
   * The nfacct counters kube-proxy creates at start-up exist (kernel nfnetlink_acct). kube-proxy then adds
   * `-m nfacct` matches; they are off by default because `iptables-restore` rejects them on a kernel or
   * namespace without the counters.
   */
  nfacct?: boolean;
  /** ServiceCIDRs (nftables proxier): traffic to unallocated ClusterIPs in them is dropped. Default none. */
  serviceCIDRs?: readonly string[];
}

export interface ResolvedProxyOptions {
  clusterCIDR: string | null;
  masqueradeAll: boolean;
  /** `fmt.Sprintf("%#08x", 1<<masqueradeBit)`, e.g. "0x00004000". */
  masqueradeMark: string;
  nodePortAddresses: readonly string[];
  localhostNodePorts: boolean;
  largeClusterEndpointsThreshold: number;
  randomFully: boolean;
  conntrackTCPLiberal: boolean;
  nfacct: boolean;
  serviceCIDRs: string[];
}

/**
 * Go's `%#08x`: with the 0 flag the width counts digits only (fmt.fmtInteger pads the digits to the width,
 * then prepends "0x"), so 1<<14 prints as "0x00004000".
 */
export function goHexWidth8(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function ipv4Part(list: string, path: string): string | null {
  for (const part of list.split(',')) {
    const cidr = part.trim();
    if (cidr === '') continue;
    try {
      parseCidr(cidr);
    } catch {
      throw new RenderInputError(path, `"${cidr}" is not a CIDR`);
    }
    if (addressFamily(cidr.slice(0, cidr.indexOf('/'))) === 'IPv4') return cidr;
  }
  return null;
}

export function resolveProxyOptions(o: ProxyRenderOptions): ResolvedProxyOptions {
  const bit = o.masqueradeBit ?? 14;
  if (!Number.isInteger(bit) || bit < 0 || bit > 31) {
    throw new RenderInputError('masqueradeBit', 'must be an integer in [0, 31]');
  }
  const threshold = o.largeClusterEndpointsThreshold ?? 1000;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new RenderInputError('largeClusterEndpointsThreshold', 'must be a non-negative integer');
  }
  const nodePortAddresses = o.nodePortAddresses ?? [];
  nodePortAddresses.forEach((entry, i) => {
    if (entry !== 'primary') ipv4Part(entry, `nodePortAddresses[${i}]`);
  });
  const serviceCIDRs: string[] = [];
  (o.serviceCIDRs ?? []).forEach((entry, i) => {
    const v4 = ipv4Part(entry, `serviceCIDRs[${i}]`);
    if (v4 !== null) serviceCIDRs.push(v4);
  });
  return {
    clusterCIDR: o.clusterCIDR ? ipv4Part(o.clusterCIDR, 'clusterCIDR') : null,
    masqueradeAll: o.masqueradeAll ?? false,
    masqueradeMark: goHexWidth8(2 ** bit),
    nodePortAddresses,
    localhostNodePorts: o.localhostNodePorts ?? true,
    largeClusterEndpointsThreshold: threshold,
    randomFully: o.randomFully ?? true,
    conntrackTCPLiberal: o.conntrackTCPLiberal ?? false,
    nfacct: o.nfacct ?? false,
    serviceCIDRs,
  };
}

export interface NodePortIPs {
  /** No IPv4 CIDR given (or 0.0.0.0/0): every local address accepts NodePorts. */
  matchAll: boolean;
  /** NodePortAddresses.ContainsIPv4Loopback: localhost NodePorts are possible at all. */
  containsLoopback: boolean;
  /**
   * GetNodeIPs: the node's addresses inside the CIDRs, loopback first (interface order: lo, then the node's
   * InternalIPs). Empty when matchAll.
   */
  ips: string[];
}

/** proxyutil.NewNodePortAddresses for the IPv4 proxier, with "primary" meaning the node IP (/32). */
export function nodePortIPs(view: NodeView, opts: ResolvedProxyOptions): NodePortIPs {
  const cidrs: string[] = [];
  for (const entry of opts.nodePortAddresses) {
    if (entry === 'primary') {
      if (view.nodeIP !== null) cidrs.push(`${view.nodeIP}/32`);
      continue;
    }
    const v4 = ipv4Part(entry, 'nodePortAddresses');
    if (v4 !== null) cidrs.push(v4);
  }
  if (cidrs.length === 0 || cidrs.some((c) => parseCidr(c).prefix === 0)) {
    return { matchAll: true, containsLoopback: true, ips: [] };
  }
  const parsed = cidrs.map((c) => parseCidr(c));
  const inside = (ip: string) => parsed.some((c) => cidrContains(c, ip));
  // cidr.IP.IsLoopback() || cidr.Contains(127.0.0.1)
  const containsLoopback = cidrs.some((c) => c.startsWith('127.')) || parsed.some((c) => cidrContains(c, '127.0.0.1'));
  const ips = ['127.0.0.1', ...view.nodeIPs].filter(inside);
  return { matchAll: false, containsLoopback, ips };
}
