// Snapshot builders for the render tests, and the cluster of kube-proxy's TestOverallIPTablesRules /
// TestOverallNFTablesRules (pkg/proxy/{iptables,nftables}/proxier_test.go), whose expected rules are the
// goldens the renderers are checked against.

import type {
  Cluster,
  Endpoint,
  EndpointSlice,
  Node,
  Protocol,
  Service,
  ServicePort,
} from '../../src/scenario/cluster.js';
import * as base from '../dataplane/fixtures.js';

export function node(name: string, ip: string, zone: string | null = null): Node {
  return base.node(name, zone, 4, {
    internalIPs: [ip],
    labels: zone === null ? {} : { 'topology.kubernetes.io/zone': zone },
  });
}

export function port(name: string, portNumber: number, nodePort = 0, protocol: Protocol = 'TCP'): ServicePort {
  return base.port({ name, protocol, port: portNumber, targetPort: portNumber, nodePort });
}

export function service(namespace: string, name: string, fields: Partial<Service> & { clusterIP?: string }): Service {
  const { clusterIP, ...rest } = fields;
  return base.service(name, {
    namespace,
    clusterIPs: clusterIP === undefined ? [] : [clusterIP],
    ports: [],
    ...rest,
  });
}

export function endpoint(address: string, fields: Partial<Endpoint> = {}): Endpoint {
  return base.endpoint(address, null, null, fields);
}

export function slice(
  svc: Service,
  endpoints: Endpoint[],
  ports: { name: string; port: number; protocol?: Protocol }[],
  sliceName = `${svc.name}-abcde`,
): EndpointSlice {
  return {
    namespace: svc.namespace,
    name: sliceName,
    serviceName: svc.name,
    addressType: 'IPv4',
    endpoints,
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

export const TEST_NODE = 'test-node';
export const TEST_NODE_IP = '192.168.0.2';

/** The six Services of TestOverallIPTablesRules / TestOverallNFTablesRules with their endpoints. */
export function overallCluster(): Cluster {
  const p80 = [{ name: 'p80', port: 80 }];
  const svc1 = service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [port('p80', 80)] });
  const svc2 = service('ns2', 'svc2', {
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    clusterIP: '172.30.0.42',
    ports: [port('p80', 80, 3001)],
    loadBalancerIPs: ['1.2.3.4'],
    externalIPs: ['192.168.99.22'],
    healthCheckNodePort: 30000,
  });
  const svc3 = service('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: [port('p80', 80, 3003)] });
  const svc4 = service('ns4', 'svc4', {
    type: 'NodePort',
    clusterIP: '172.30.0.44',
    externalIPs: ['192.168.99.33'],
    ports: [port('p80', 80)],
  });
  const svc5 = service('ns5', 'svc5', {
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Cluster',
    clusterIP: '172.30.0.45',
    ports: [port('p80', 80, 3002)],
    loadBalancerIPs: ['5.6.7.8'],
    // kube-proxy ignores it: a health check node port only exists for ETP=Local LoadBalancers.
    healthCheckNodePort: 30000,
    // The test's extra whitespace: kube-proxy trims it.
    loadBalancerSourceRanges: [' 203.0.113.0/25'],
    sessionAffinity: 'ClientIP',
    sessionAffinityTimeoutSeconds: 10800,
  });
  const svc6 = service('ns6', 'svc6', { clusterIP: '172.30.0.46', ports: [port('p80', 80)] });
  return {
    nodes: [node(TEST_NODE, TEST_NODE_IP)],
    services: [svc1, svc2, svc3, svc4, svc5, svc6],
    endpointSlices: [
      slice(svc1, [endpoint('10.180.0.1')], p80),
      // Not local: the test sets no NodeName on it.
      slice(svc2, [endpoint('10.180.0.2')], p80),
      slice(svc3, [endpoint('10.180.0.3')], p80),
      slice(svc4, [endpoint('10.180.0.4'), endpoint('10.180.0.5', { nodeName: TEST_NODE })], p80),
      slice(svc5, [endpoint('10.180.0.3')], p80),
    ],
  };
}
