// The normalised cluster model: what every later layer (dataplane, render, sim, guide) reads.
// Built by `ingest.ts` from either snapshot form (kubectl `v1 List` or the compact form). Plain data
// only (no classes, no Maps) so it can be structured-cloned into worker threads unchanged.
// Names follow the Kubernetes API fields they come from.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type IPFamily = 'IPv4' | 'IPv6';

export interface Node {
  name: string;
  /** `topology.kubernetes.io/zone` label; null when the node has none (topology hints are then ignored). */
  zone: string | null;
  /** `topology.kubernetes.io/region` label. */
  region: string | null;
  /** `status.allocatable.cpu` in cores (e.g. "3500m" → 3.5). Drives topology hints and conntrack size. */
  cpu: number;
  /** `status.addresses` of type InternalIP (first per family), the addresses NodePorts answer on. */
  internalIPs: string[];
  /** Ready condition (NotReady nodes are skipped by the topology-hint controller). */
  ready: boolean;
  /** Has `node-role.kubernetes.io/control-plane` or `.../master` (skipped by the hint controller). */
  controlPlane: boolean;
  /** `status.nodeInfo.kubeletVersion` / `kubeProxyVersion` (e.g. "v1.33.2"), when the snapshot has them. */
  kubeletVersion: string | null;
  kubeProxyVersion: string | null;
  labels: Record<string, string>;
}

export interface ServicePort {
  /** Port name; "" when unnamed (kube-proxy's ServicePortName then omits the ":port" suffix). */
  name: string;
  protocol: Protocol;
  port: number;
  /** Number or named container port; the EndpointSlice's port (matched by `name`) is what is dialled. */
  targetPort: number | string;
  /** 0 when the Service has none. */
  nodePort: number;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface Service {
  namespace: string;
  name: string;
  type: ServiceType;
  /** `spec.clusterIPs` (falls back to `[spec.clusterIP]`); [] for headless ("None") and ExternalName. */
  clusterIPs: string[];
  ipFamilies: IPFamily[];
  externalIPs: string[];
  /** `status.loadBalancer.ingress[].ip` (and `spec.loadBalancerIP` when status is empty). */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  ports: ServicePort[];
  sessionAffinity: 'None' | 'ClientIP';
  /** `sessionAffinityConfig.clientIP.timeoutSeconds`, default 10800 (v1.DefaultClientIPServiceAffinitySeconds). */
  sessionAffinityTimeoutSeconds: number;
  internalTrafficPolicy: TrafficPolicy;
  externalTrafficPolicy: TrafficPolicy;
  /** 0 when unset; only for LoadBalancer with externalTrafficPolicy Local. */
  healthCheckNodePort: number;
  /** `spec.trafficDistribution` (PreferClose, PreferSameZone, PreferSameNode) or null. */
  trafficDistribution: string | null;
  /** `service.kubernetes.io/topology-mode` (or the older `topology-aware-hints`) annotation value, or null. */
  topologyMode: string | null;
  annotations: Record<string, string>;
}

export interface EndpointConditions {
  /** nil in the API means true. */
  ready: boolean;
  /** nil means true, as kube-proxy reads it (endpointslicecache.go); the API doc says it defers to ready. */
  serving: boolean;
  /** nil in the API means false. */
  terminating: boolean;
}

export interface Endpoint {
  /** `addresses[0]` (kube-proxy only uses the first address). */
  address: string;
  conditions: EndpointConditions;
  nodeName: string | null;
  zone: string | null;
  /** `hints.forZones[].name`; null when the endpoint carries no zone hints. */
  zoneHints: string[] | null;
  /** `hints.forNodes[].name`; null when absent. */
  nodeHints: string[] | null;
  /** `targetRef.name` when it refers to a Pod. */
  podName: string | null;
}

export interface EndpointSlicePort {
  name: string;
  protocol: Protocol;
  port: number;
}

export interface EndpointSlice {
  namespace: string;
  name: string;
  /** The `kubernetes.io/service-name` label: the Service (same namespace) this slice belongs to. */
  serviceName: string;
  addressType: IPFamily | 'FQDN';
  endpoints: Endpoint[];
  ports: EndpointSlicePort[];
}

export interface Cluster {
  nodes: Node[];
  services: Service[];
  endpointSlices: EndpointSlice[];
}

/** One backend of one Service port, as kube-proxy sees it: an address, the resolved port, conditions. */
export interface ServicePortEndpoint extends Endpoint {
  port: number;
  /** Index in EndpointSlice order (slices in snapshot order, endpoints in slice order). */
  index: number;
  /** Name of the slice the endpoint came from. */
  slice: string;
}

/** kube-proxy's ServicePortName.String(): "ns/name:port", or "ns/name" for an unnamed port (pkg/proxy/types.go). */
export function servicePortName(svc: Pick<Service, 'namespace' | 'name'>, port: Pick<ServicePort, 'name'>): string {
  return port.name === '' ? `${svc.namespace}/${svc.name}` : `${svc.namespace}/${svc.name}:${port.name}`;
}

export function serviceKey(svc: Pick<Service, 'namespace' | 'name'>): string {
  return `${svc.namespace}/${svc.name}`;
}

/** `net.JoinHostPort(ip, port)`: what kube-proxy's Endpoint.String() prints ("10.0.0.1:80", "[fd00::1]:80"). */
export function endpointString(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
