// Small builders for the normalised cluster model used by the data-plane tests.

import type {
  Cluster,
  Endpoint,
  EndpointSlice,
  Node,
  Service,
  ServicePort,
  ServicePortEndpoint,
} from '../../src/scenario/cluster.js';

export function node(name: string, zone: string | null, cpu = 4, extra: Partial<Node> = {}): Node {
  return {
    name,
    zone,
    region: null,
    cpu,
    internalIPs: [],
    ready: true,
    controlPlane: false,
    kubeletVersion: null,
    kubeProxyVersion: null,
    labels: {},
    ...extra,
  };
}

export function port(extra: Partial<ServicePort> = {}): ServicePort {
  return { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 0, ...extra };
}

export function service(name: string, extra: Partial<Service> = {}): Service {
  return {
    namespace: 'default',
    name,
    type: 'ClusterIP',
    clusterIPs: ['10.96.0.10'],
    ipFamilies: ['IPv4'],
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    ports: [port()],
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    internalTrafficPolicy: 'Cluster',
    externalTrafficPolicy: 'Cluster',
    healthCheckNodePort: 0,
    trafficDistribution: null,
    topologyMode: null,
    annotations: {},
    ...extra,
  };
}

export function endpoint(
  address: string,
  nodeName: string | null,
  zone: string | null,
  extra: Partial<Endpoint> = {},
): Endpoint {
  return {
    address,
    conditions: { ready: true, serving: true, terminating: false },
    nodeName,
    zone,
    zoneHints: null,
    nodeHints: null,
    podName: null,
    ...extra,
  };
}

export function slice(
  name: string,
  serviceName: string,
  endpoints: Endpoint[],
  extra: Partial<EndpointSlice> = {},
): EndpointSlice {
  return {
    namespace: 'default',
    name,
    serviceName,
    addressType: 'IPv4',
    endpoints,
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    ...extra,
  };
}

/** A ServicePortEndpoint directly (for eligibility tests that need no slices). */
export function spe(
  index: number,
  address: string,
  nodeName: string | null,
  zone: string | null,
  extra: Partial<ServicePortEndpoint> = {},
): ServicePortEndpoint {
  return { ...endpoint(address, nodeName, zone), port: 8080, index, slice: 's', ...extra };
}

export function cluster(nodes: Node[], services: Service[], endpointSlices: EndpointSlice[]): Cluster {
  return { nodes, services, endpointSlices };
}

/** Pearson χ² of observed counts against equal expected shares. */
export function chiSquareUniform(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] ?? 0;
  const expected = total / counts.length;
  let chi = 0;
  for (let i = 0; i < counts.length; i++) {
    const d = (counts[i] ?? 0) - expected;
    chi += (d * d) / expected;
  }
  return chi;
}

/** Upper 0.1 % points of the χ² distribution for 1..9 degrees of freedom (standard tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4). */
export const CHI2_P001: readonly number[] = [
  Number.NaN,
  10.828,
  13.816,
  16.266,
  18.467,
  20.515,
  22.458,
  24.322,
  26.124,
  27.877,
];
