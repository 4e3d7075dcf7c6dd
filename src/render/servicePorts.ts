// The per-node view kube-proxy's IPv4 proxiers build before writing rules: one entry per Service port
// (proxy.ServicePortMap) with the fields BaseServicePortInfo derives (pkg/proxy/serviceport.go,
// pkg/proxy/service.go), the port's endpoints from the EndpointSlice cache sorted by "ip:port"
// (pkg/proxy/endpointslicecache.go), and CategorizeEndpoints' answer for this node (pkg/proxy/topology.go).
//
// Only the IPv4 family is rendered: kube-proxy runs one proxier per family and the IPv6 one writes a
// separate ip6tables / `ip6 kube-proxy` / IPv6 IPVS ruleset.

import {
  categorizeEndpoints,
  externalIPsOf,
  externallyAccessible,
  externalPolicyLocal,
  internalPolicyLocal,
  loadBalancerIPsOf,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from '../dataplane/eligibility.js';
import { endpointsForServicePort, sortedForKubeProxy } from '../dataplane/endpoints.js';
import { addressFamily, cidrContains, formatIPv4, parseCidr } from '../dataplane/ip.js';
import type { Cluster, Node, Protocol, Service, ServicePort, ServicePortEndpoint } from '../scenario/cluster.js';
import { servicePortName } from '../scenario/cluster.js';
import { RenderInputError, UnknownNodeError } from './errors.js';

/**
 * Rules a new connection from a pod on the node to the target's ClusterIP is tested against, in any mode:
 * per chosen endpoint, and their range. Each renderer adds its own breakdown.
 */
export interface TraversalSummary {
  path: 'clusterIP';
  perEndpoint: { endpoint: string; rules: number }[];
  min: number;
  mean: number;
  max: number;
}

export interface ServicePortView {
  svc: Service;
  port: ServicePort;
  /** ServicePortName.String(): "ns/name:port" or "ns/name". */
  name: string;
  protocol: Protocol;
  clusterIP: string;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  /** loadBalancerSourceRanges of this family, trimmed and printed as net.IPNet.String() (network address). */
  sourceRanges: string[];
  /** Whether some source range contains the node IP (kube-proxy then also accepts the LB IPs as sources). */
  sourceRangesContainNodeIP: boolean;
  nodePort: number;
  healthCheckNodePort: number;
  clientIPAffinity: boolean;
  affinityTimeoutSeconds: number;
  internalPolicyLocal: boolean;
  externalPolicyLocal: boolean;
  externallyAccessible: boolean;
  usesClusterEndpoints: boolean;
  usesLocalEndpoints: boolean;
  /** Every endpoint of the port in the cache (any condition), sorted as kube-proxy keeps them. */
  endpoints: ServicePortEndpoint[];
  clusterEndpoints: ServicePortEndpoint[];
  localEndpoints: ServicePortEndpoint[];
  allReachableEndpoints: ServicePortEndpoint[];
  hasEndpoints: boolean;
  // Which policy chains the port needs and whether each kind of traffic has endpoints, as syncProxyRules
  // decides them in both the iptables and the nftables proxier (internal traffic goes to the local policy
  // chain when internalPolicyLocal, external traffic when externalPolicyLocal, else to the cluster one).
  usesClusterPolicyChain: boolean;
  usesLocalPolicyChain: boolean;
  hasInternalEndpoints: boolean;
  hasExternalEndpoints: boolean;
  /** Based on hasEndpoints, not hasExternalEndpoints: the short-circuit rules are needed even without externally usable endpoints. */
  usesExternalTrafficChain: boolean;
  /** The endpoints internal traffic is spread over (none when it has none). */
  internalEndpoints: ServicePortEndpoint[];
}

export interface NodeView {
  node: Node;
  /** The node's IPv4 InternalIPs, the addresses NodePorts answer on. */
  nodeIPs: string[];
  /** proxier.nodeIP: the primary IPv4 node address (first InternalIP), or null. */
  nodeIP: string | null;
  servicePorts: ServicePortView[];
  /** Σ endpoints over all Service ports: kube-proxy's `totalEndpoints` for large-cluster mode. */
  totalEndpoints: number;
}

function isIPv4(address: string): boolean {
  return addressFamily(address) === 'IPv4';
}

/** netutils.ParseCIDRSloppy(s).String(): the network address and prefix, e.g. "203.0.113.7/25" → "203.0.113.0/25". */
export function normaliseIPv4Cidr(text: string): string {
  const cidr = parseCidr(text.trim());
  const network = Number(cidr.network << BigInt(32 - cidr.prefix));
  return `${formatIPv4(network)}/${cidr.prefix}`;
}

/** kube-proxy's view of one Service port on one node (IPv4). Returns null when the proxier skips it. */
function viewServicePort(cluster: Cluster, node: Node, nodeIP: string | null, svc: Service, port: ServicePort) {
  // ShouldSkipService: headless and ExternalName Services get no rules; the IPv4 proxier needs an IPv4 ClusterIP.
  if (svc.type === 'ExternalName') return null;
  const clusterIP = svc.clusterIPs.find(isIPv4);
  if (clusterIP === undefined) return null;
  const externalIPs = externalIPsOf(svc, 'IPv4');
  const loadBalancerVIPs = loadBalancerIPsOf(svc, 'IPv4');
  const sourceRanges: string[] = [];
  for (const range of svc.loadBalancerSourceRanges) {
    const trimmed = range.trim();
    if (trimmed === '' || !isIPv4(trimmed.slice(0, trimmed.indexOf('/')))) continue;
    sourceRanges.push(normaliseIPv4Cidr(trimmed));
  }
  const sourceRangesContainNodeIP = nodeIP !== null && sourceRanges.some((r) => cidrContains(parseCidr(r), nodeIP));
  const endpoints = sortedForKubeProxy(
    endpointsForServicePort(cluster, svc, port, { family: 'IPv4', localNode: node.name }),
  );
  const categorized = categorizeEndpoints(endpoints, svc, node, { port, family: 'IPv4' });
  const pick = (indices: readonly number[] | null): ServicePortEndpoint[] =>
    indices === null ? [] : indices.map((i) => endpoints[i]!);
  const clusterEndpoints = pick(categorized.clusterEndpoints);
  const localEndpoints = pick(categorized.localEndpoints);
  const hasEndpoints = categorized.hasAnyEndpoints;
  const internalLocal = internalPolicyLocal(svc);
  const externalLocal = externalPolicyLocal(svc);
  const accessible = externallyAccessible(svc, port, 'IPv4');
  const usesCluster = usesClusterEndpoints(svc, port, 'IPv4');
  const usesLocal = usesLocalEndpoints(svc, port, 'IPv4');
  const hasInternalEndpoints = hasEndpoints && !(internalLocal && localEndpoints.length === 0);
  return {
    svc,
    port,
    name: servicePortName(svc, port),
    protocol: port.protocol,
    clusterIP,
    externalIPs,
    loadBalancerVIPs,
    sourceRanges,
    sourceRangesContainNodeIP,
    nodePort: port.nodePort,
    // apiservice.NeedsHealthCheck: only ETP=Local LoadBalancers have a health check node port.
    healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal(svc) ? svc.healthCheckNodePort : 0,
    clientIPAffinity: svc.sessionAffinity === 'ClientIP',
    affinityTimeoutSeconds: svc.sessionAffinityTimeoutSeconds,
    internalPolicyLocal: internalLocal,
    externalPolicyLocal: externalLocal,
    externallyAccessible: accessible,
    usesClusterEndpoints: usesCluster,
    usesLocalEndpoints: usesLocal,
    endpoints,
    clusterEndpoints,
    localEndpoints,
    allReachableEndpoints: pick(categorized.allReachableEndpoints),
    hasEndpoints,
    usesClusterPolicyChain: clusterEndpoints.length > 0 && usesCluster,
    usesLocalPolicyChain: localEndpoints.length > 0 && usesLocal,
    hasInternalEndpoints,
    hasExternalEndpoints: hasEndpoints && !(externalLocal && localEndpoints.length === 0),
    usesExternalTrafficChain: hasEndpoints && accessible,
    internalEndpoints: hasInternalEndpoints ? (internalLocal ? localEndpoints : clusterEndpoints) : [],
  } satisfies ServicePortView;
}

/** Finds the node or throws UnknownNodeError listing the snapshot's nodes. */
export function findNode(cluster: Cluster, nodeName: string): Node {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (node === undefined)
    throw new UnknownNodeError(
      nodeName,
      cluster.nodes.map((n) => n.name),
    );
  return node;
}

/**
 * The node's Service ports in snapshot order (Services as listed, ports as declared). kube-proxy iterates a Go
 * map instead, so on a real node the per-Service blocks come in an order that changes between syncs; only the
 * trailing nodeports jump in KUBE-SERVICES has a fixed place.
 */
export function buildNodeView(cluster: Cluster, nodeName: string): NodeView {
  const node = findNode(cluster, nodeName);
  const nodeIPs = node.internalIPs.filter(isIPv4);
  const nodeIP = nodeIPs[0] ?? null;
  const servicePorts: ServicePortView[] = [];
  let totalEndpoints = 0;
  for (const svc of cluster.services) {
    for (const port of svc.ports) {
      const view = viewServicePort(cluster, node, nodeIP, svc, port);
      if (view === null) continue;
      servicePorts.push(view);
      totalEndpoints += view.endpoints.length;
    }
  }
  return { node, nodeIPs, nodeIP, servicePorts, totalEndpoints };
}

/** Which Service port a traversal count is for: `service` as "ns/name" or a unique bare name; `port` by name or number. */
export interface TargetSpec {
  service?: string;
  port?: string | number;
}

/** Resolves a target against the node view; throws RenderInputError pointing at `target.*` when it does not fit. */
export function resolveTarget(view: NodeView, cluster: Cluster, target: TargetSpec): ServicePortView {
  let svc: Service | undefined;
  if (target.service === undefined) {
    if (cluster.services.length !== 1) {
      throw new RenderInputError('target.service', 'the snapshot has several Services; name one as "namespace/name"');
    }
    svc = cluster.services[0];
  } else if (target.service.includes('/')) {
    svc = cluster.services.find((s) => `${s.namespace}/${s.name}` === target.service);
  } else {
    const matches = cluster.services.filter((s) => s.name === target.service);
    if (matches.length > 1) {
      throw new RenderInputError(
        'target.service',
        `"${target.service}" exists in several namespaces; use "namespace/name"`,
      );
    }
    svc = matches[0];
  }
  if (svc === undefined) throw new RenderInputError('target.service', `no Service "${target.service}" in the snapshot`);
  const found = svc;
  const port =
    target.port === undefined
      ? found.ports[0]
      : found.ports.find((p) => (typeof target.port === 'number' ? p.port === target.port : p.name === target.port));
  if (port === undefined) {
    throw new RenderInputError(
      'target.port',
      `Service ${found.namespace}/${found.name} has no port "${target.port ?? ''}"`,
    );
  }
  const portView = view.servicePorts.find((sp) => sp.svc === found && sp.port === port);
  if (portView === undefined) {
    throw new RenderInputError(
      'target.service',
      `${servicePortName(found, port)} gets no IPv4 rules (headless, ExternalName or IPv6-only)`,
    );
  }
  return portView;
}
