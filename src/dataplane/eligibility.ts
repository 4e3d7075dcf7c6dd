// Which endpoints a node's kube-proxy may send a new connection to: CategorizeEndpoints
// (pkg/proxy/topology.go) and the traffic-policy plumbing around it in syncProxyRules
// (pkg/proxy/iptables/proxier.go; the nftables proxier has the same structure).

import type { IPFamily, Node, Service, ServicePort, ServicePortEndpoint } from '../scenario/cluster.js';
import { primaryIPFamily } from './endpoints.js';
import { addressFamily } from './ip.js';

/** The topology mode topologyModeFromHints picked for this node ('' = hints ignored). */
export type TopologyMode = '' | 'PreferSameZone' | 'PreferSameNode';

export interface CategorizeOptions {
  /** The Service port being categorised; its nodePort counts towards ExternallyAccessible. Default: the first port. */
  port?: ServicePort;
  /** The proxier's address family (default: the Service's primary family). */
  family?: IPFamily;
  /**
   * Feature gate PreferSameTrafficDistribution (node hints, `trafficDistribution: PreferSameNode`). Default
   * true: beta and on by default since Kubernetes 1.34; it only matters when endpoints carry node hints.
   */
  preferSameTrafficDistribution?: boolean;
}

/**
 * CategorizeEndpoints' result. Endpoint lists are indices into the array passed in, in its order.
 * `clusterEndpoints` / `localEndpoints` are null when the Service never uses that traffic policy (Go returns
 * nil), and empty when it does but none qualifies.
 */
export interface CategorizedEndpoints {
  clusterEndpoints: number[] | null;
  localEndpoints: number[] | null;
  /** Union of the two lists (kube-proxy builds it from a map, so its order carries no meaning). */
  allReachableEndpoints: number[];
  /** Some endpoint anywhere is usable (ready, or serving and terminating). */
  hasAnyEndpoints: boolean;
  topologyMode: TopologyMode;
}

function isReady(ep: ServicePortEndpoint): boolean {
  return ep.conditions.ready;
}

function isServingTerminating(ep: ServicePortEndpoint): boolean {
  return ep.conditions.serving && ep.conditions.terminating;
}

/** ExternalIPs of the proxier's family (BaseServicePortInfo keeps only those). */
export function externalIPsOf(svc: Service, family: IPFamily): string[] {
  return svc.externalIPs.filter((ip) => addressFamily(ip) === family);
}

/** LoadBalancer ingress IPs of the proxier's family (BaseServicePortInfo.loadBalancerVIPs). */
export function loadBalancerIPsOf(svc: Service, family: IPFamily): string[] {
  return svc.loadBalancerIPs.filter((ip) => addressFamily(ip) === family);
}

/** BaseServicePortInfo.ExternallyAccessible: reachable through a NodePort, an external IP or an LB IP. */
export function externallyAccessible(svc: Service, port: ServicePort, family: IPFamily): boolean {
  return port.nodePort !== 0 || loadBalancerIPsOf(svc, family).length > 0 || externalIPsOf(svc, family).length > 0;
}

/**
 * apiservice.ExternalPolicyLocal (pkg/api/v1/service/util.go): ETP=Local only counts for NodePort and
 * LoadBalancer Services.
 */
export function externalPolicyLocal(svc: Service): boolean {
  return (svc.type === 'NodePort' || svc.type === 'LoadBalancer') && svc.externalTrafficPolicy === 'Local';
}

/** apiservice.InternalPolicyLocal. */
export function internalPolicyLocal(svc: Service): boolean {
  return svc.internalTrafficPolicy === 'Local';
}

/**
 * UsesClusterEndpoints: ITP=Cluster, or the port accepts external traffic at all (even under ETP=Local the
 * cluster chain exists, for the short-circuit of pod and host traffic).
 */
export function usesClusterEndpoints(svc: Service, port: ServicePort, family: IPFamily): boolean {
  return !internalPolicyLocal(svc) || externallyAccessible(svc, port, family);
}

/** UsesLocalEndpoints: ITP=Local, or ETP=Local on an externally accessible port. */
export function usesLocalEndpoints(svc: Service, port: ServicePort, family: IPFamily): boolean {
  return internalPolicyLocal(svc) || (externalPolicyLocal(svc) && externallyAccessible(svc, port, family));
}

function hasHint(hints: string[] | null, value: string): boolean {
  return hints?.includes(value) === true;
}

/**
 * topologyModeFromHints: hints are used only if every *ready* endpoint carries them and at least one is
 * hinted for this node (PreferSameNode, behind its feature gate) or this node's zone (PreferSameZone). A
 * node without a zone label has zone "" and so never matches a zone hint.
 */
export function topologyModeFromHints(
  eps: readonly ServicePortEndpoint[],
  nodeName: string,
  zone: string,
  preferSameTrafficDistribution: boolean,
): TopologyMode {
  let hasReady = false;
  let hasForNode = false;
  let allNodeHints = true;
  let hasForZone = false;
  let allZoneHints = true;
  for (const ep of eps) {
    if (!isReady(ep)) continue;
    hasReady = true;
    if (ep.nodeHints === null || ep.nodeHints.length === 0) allNodeHints = false;
    else if (ep.nodeHints.includes(nodeName)) hasForNode = true;
    if (ep.zoneHints === null || ep.zoneHints.length === 0) allZoneHints = false;
    else if (ep.zoneHints.includes(zone)) hasForZone = true;
  }
  if (!hasReady) return '';
  if (preferSameTrafficDistribution && allNodeHints && hasForNode) return 'PreferSameNode';
  if (allZoneHints && hasForZone) return 'PreferSameZone';
  return '';
}

function availableForTopology(ep: ServicePortEndpoint, mode: TopologyMode, nodeName: string, zone: string): boolean {
  switch (mode) {
    case '':
      return true;
    case 'PreferSameNode':
      return hasHint(ep.nodeHints, nodeName);
    case 'PreferSameZone':
      return hasHint(ep.zoneHints, zone);
  }
}

/**
 * CategorizeEndpoints, line for line: cluster endpoints are the ready ones the topology mode allows, else
 * (no ready endpoint anywhere) the serving+terminating ones; local endpoints are the ready ones on this
 * node, else its serving+terminating ones; topology never restricts local endpoints.
 */
export function categorizeEndpoints(
  eps: readonly ServicePortEndpoint[],
  svc: Service,
  node: Node,
  opts: CategorizeOptions = {},
): CategorizedEndpoints {
  const port = opts.port ?? svc.ports[0];
  if (!port) throw new RangeError(`service ${svc.namespace}/${svc.name} has no ports`);
  const family = opts.family ?? primaryIPFamily(svc);
  const preferSameNode = opts.preferSameTrafficDistribution ?? true;
  const result: CategorizedEndpoints = {
    clusterEndpoints: null,
    localEndpoints: null,
    allReachableEndpoints: [],
    hasAnyEndpoints: false,
    topologyMode: '',
  };
  if (eps.length === 0) return result;

  const usesCluster = usesClusterEndpoints(svc, port, family);
  const usesLocal = usesLocalEndpoints(svc, port, family);
  let useServingTerminating = false;

  if (usesCluster) {
    const zone = node.zone ?? '';
    const mode = topologyModeFromHints(eps, node.name, zone, preferSameNode);
    result.topologyMode = mode;
    const cluster: number[] = [];
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i]!;
      if (isReady(ep) && availableForTopology(ep, mode, node.name, zone)) cluster.push(i);
    }
    // Topology was already ignored if no ready endpoint matched it, so an empty list here means no
    // endpoint is ready anywhere: fall back to serving+terminating ones, topology not applied.
    if (cluster.length === 0) {
      for (let i = 0; i < eps.length; i++) if (isServingTerminating(eps[i]!)) cluster.push(i);
    }
    if (cluster.length > 0) result.hasAnyEndpoints = true;
    result.clusterEndpoints = cluster;
  }

  if (!usesLocal) {
    result.allReachableEndpoints = result.clusterEndpoints ?? [];
    return result;
  }

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of eps) {
    const local = ep.nodeName === node.name;
    if (isReady(ep)) {
      result.hasAnyEndpoints = true;
      if (local) hasLocalReady = true;
    } else if (isServingTerminating(ep)) {
      result.hasAnyEndpoints = true;
      if (local) hasLocalServingTerminating = true;
    }
  }
  const localList: number[] = [];
  if (hasLocalReady) {
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i]!;
      if (ep.nodeName === node.name && isReady(ep)) localList.push(i);
    }
  } else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i]!;
      if (ep.nodeName === node.name && isServingTerminating(ep)) localList.push(i);
    }
  }
  // Go leaves localEndpoints nil when neither kind exists; an empty list means the same to callers.
  result.localEndpoints = localList;

  if (!usesCluster) {
    result.allReachableEndpoints = localList;
    return result;
  }
  const cluster = result.clusterEndpoints ?? [];
  if (result.topologyMode === '' && !useServingTerminating) {
    // Every ready endpoint is a cluster endpoint and local ones are ready: cluster ⊇ local.
    result.allReachableEndpoints = cluster;
    return result;
  }
  const member = new Uint8Array(eps.length);
  for (const i of cluster) member[i] = 1;
  for (const i of localList) member[i] = 1;
  for (let i = 0; i < eps.length; i++) if (member[i] === 1) result.allReachableEndpoints.push(i);
  return result;
}

/** Who opens the connection: a pod, a host-network process on a node, or a client outside the cluster. */
export type ClientKind = 'pod' | 'host' | 'external';
/** The destination the client dials. */
export type Entry = 'clusterIP' | 'nodePort' | 'loadBalancer' | 'externalIP';
/** Why a connection gets no endpoint: REJECT (no endpoints at all) or DROP (none local under a Local policy). */
export type DropReason = 'noEndpoints' | 'noLocalEndpoint';
/** The policy chain that picks the endpoint: KUBE-SVC / service-… (cluster) or KUBE-SVL / local-… (local). */
export type PolicyChain = 'cluster' | 'local';

export interface DecisionOptions {
  /**
   * A local-traffic detector is configured (`--cluster-cidr` with detect-local-mode ClusterCIDR, or another
   * mode): kube-proxy then writes the "pod traffic for … external destinations" short-circuit rule.
   */
  localDetector: boolean;
}

export type NodeDecision =
  | {
      kind: 'forward';
      chain: PolicyChain;
      /** Indices (into the categorised array) the chain chooses among, in that array's order. */
      candidates: readonly number[];
      /** External destination reached by a pod or the host under ETP=Local, sent to the cluster chain. */
      shortCircuit: boolean;
    }
  | { kind: 'drop'; reason: DropReason; action: 'REJECT' | 'DROP' };

/**
 * The decision the deciding node's rules make for a new connection, from CategorizeEndpoints' result as
 * syncProxyRules wires it (pkg/proxy/iptables/proxier.go):
 * - ClusterIP: the internal policy chain (KUBE-SVL under ITP=Local); no usable endpoint anywhere → REJECT;
 *   ITP=Local without a local endpoint → DROP.
 * - NodePort / LoadBalancer IP / external IP: through KUBE-EXT. ETP=Cluster → cluster chain. ETP=Local →
 *   pod traffic (when a local-traffic detector exists) and host traffic (`--src-type LOCAL`) short-circuit
 *   to the cluster chain; everything else goes to the local chain, and with no local endpoint the EXT chain
 *   has no final jump, so the filter rule "has no local endpoints" DROPs it.
 */
export function decideForNode(
  cat: CategorizedEndpoints,
  svc: Service,
  port: ServicePort,
  entry: Entry,
  client: ClientKind,
  opts: DecisionOptions,
  family: IPFamily = primaryIPFamily(svc),
): NodeDecision {
  if (!cat.hasAnyEndpoints) return { kind: 'drop', reason: 'noEndpoints', action: 'REJECT' };
  const cluster = cat.clusterEndpoints ?? [];
  const local = cat.localEndpoints ?? [];
  if (entry === 'clusterIP') {
    if (!internalPolicyLocal(svc))
      return { kind: 'forward', chain: 'cluster', candidates: cluster, shortCircuit: false };
    if (local.length === 0) return { kind: 'drop', reason: 'noLocalEndpoint', action: 'DROP' };
    return { kind: 'forward', chain: 'local', candidates: local, shortCircuit: false };
  }
  if (!reachableVia(svc, port, entry, family)) {
    throw new RangeError(`${svc.namespace}/${svc.name}:${port.name || port.port} has no ${entry}`);
  }
  if (!externalPolicyLocal(svc)) return { kind: 'forward', chain: 'cluster', candidates: cluster, shortCircuit: false };
  if ((client === 'pod' && opts.localDetector) || client === 'host') {
    return { kind: 'forward', chain: 'cluster', candidates: cluster, shortCircuit: true };
  }
  if (local.length === 0) return { kind: 'drop', reason: 'noLocalEndpoint', action: 'DROP' };
  return { kind: 'forward', chain: 'local', candidates: local, shortCircuit: false };
}

/** Whether the Service port has the external destination `entry` in the proxier's family. */
export function reachableVia(svc: Service, port: ServicePort, entry: Entry, family: IPFamily): boolean {
  switch (entry) {
    case 'clusterIP':
      return svc.clusterIPs.some((ip) => addressFamily(ip) === family);
    case 'nodePort':
      return port.nodePort !== 0;
    case 'loadBalancer':
      return loadBalancerIPsOf(svc, family).length > 0;
    case 'externalIP':
      return externalIPsOf(svc, family).length > 0;
  }
}
