import { describe, expect, it } from 'vitest';
import { generateSnapshot } from '../../bench/gen-snapshot.js';
import type { Cluster, EndpointSlice, Service } from '../../src/scenario/cluster.js';
import { ingestCluster, parseCpuQuantity, SnapshotError } from '../../src/scenario/ingest.js';
import { ClusterSnapshot } from '../../src/scenario/snapshot.js';
import { fixtureCluster, type Json, loadFixture, setPath } from '../fixtures/index.js';

function ingest(doc: unknown): Cluster {
  return ingestCluster(ClusterSnapshot.parse(doc));
}

function problems(doc: unknown): { path: string; message: string }[] {
  try {
    ingest(doc);
  } catch (e) {
    if (e instanceof SnapshotError) return e.issues;
    throw e;
  }
  throw new Error('expected a SnapshotError');
}

function list(...items: Json[]): Json {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

function nodeObject(name: string, labels: Record<string, string>, status: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status };
}

function serviceObject(name: string, spec: Json, extra: { [k: string]: Json } = {}): Json {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec, ...extra };
}

function sliceObject(name: string, service: string | null, body: { [k: string]: Json }): Json {
  const labels: Record<string, string> = service === null ? {} : { 'kubernetes.io/service-name': service };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels },
    addressType: 'IPv4',
    ...body,
  };
}

const onlyService = (cluster: Cluster): Service => cluster.services[0]!;
const onlySlice = (cluster: Cluster): EndpointSlice => cluster.endpointSlices[0]!;

describe('the two snapshot forms', () => {
  it('normalise to the same Cluster', () => {
    expect(fixtureCluster('cluster.compact')).toEqual(fixtureCluster('cluster.kubectl'));
  });

  it('keep snapshot order and ignore Pods and Endpoints of Services that have slices', () => {
    const c = fixtureCluster();
    expect(c.nodes.map((n) => n.name)).toEqual([
      'control-plane-1',
      'node-a1',
      'node-a2',
      'node-b1',
      'node-b2',
      'node-c1',
      'node-c2',
    ]);
    expect(c.services.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'data/postgres',
      'default/demo-svc',
      'default/kubernetes',
      'kube-system/kube-dns',
      'shop/api-gateway',
      'shop/cart',
      'shop/catalog',
      'shop/checkout',
      'shop/frontend',
      'shop/search',
    ]);
    expect(c.endpointSlices.map((s) => s.name)).toEqual([
      'postgres-k2d9v',
      'demo-svc-7xk2p',
      'kubernetes',
      'kube-dns-r4z8q',
      'api-gateway-l6v4t',
      'cart-h5jcx',
      'catalog-tq8rf',
      'checkout-2wmzd',
      'frontend-9bqsn',
      'search-z7np4',
    ]);
    expect(c.endpointSlices.reduce((n, s) => n + s.endpoints.length, 0)).toBe(34);
  });

  it('read demo-svc as 6 ready endpoints over 3 zones behind http 80 -> 8080', () => {
    const c = fixtureCluster();
    const demo = c.services.find((s) => s.name === 'demo-svc')!;
    expect(demo.clusterIPs).toEqual(['10.96.45.12']);
    expect(demo.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 0 }]);
    const slice = c.endpointSlices.find((s) => s.serviceName === 'demo-svc')!;
    expect(slice.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
    expect(slice.endpoints.map((e) => e.zone)).toEqual([
      'eu-central-1a',
      'eu-central-1a',
      'eu-central-1b',
      'eu-central-1b',
      'eu-central-1c',
      'eu-central-1c',
    ]);
    expect(slice.endpoints[0]).toEqual({
      address: '10.244.1.7',
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-a1',
      zone: 'eu-central-1a',
      zoneHints: null,
      nodeHints: null,
      podName: 'demo-7d9f8b6c5d-x2x4k',
    });
  });

  it('read the fixture Services as the cluster has them', () => {
    const c = fixtureCluster();
    const byName = new Map(c.services.map((s) => [s.name, s]));
    expect(byName.get('postgres')).toMatchObject({ clusterIPs: [], ipFamilies: ['IPv4'] });
    expect(byName.get('frontend')).toMatchObject({
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 0,
    });
    expect(byName.get('api-gateway')).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Cluster',
      loadBalancerIPs: ['203.0.113.10'],
    });
    expect(byName.get('checkout')).toMatchObject({
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32001,
      loadBalancerIPs: ['203.0.113.20'],
    });
    expect(byName.get('cart')).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800 });
    expect(byName.get('catalog')?.topologyMode).toBe('Auto');
    expect(byName.get('search')?.trafficDistribution).toBe('PreferClose');
    const cart = c.endpointSlices.find((s) => s.serviceName === 'cart')!;
    expect(cart.endpoints[2]?.conditions).toEqual({ ready: false, serving: true, terminating: true });
    const catalog = c.endpointSlices.find((s) => s.serviceName === 'catalog')!;
    expect(catalog.endpoints.map((e) => e.zoneHints?.[0])).toEqual(catalog.endpoints.map((e) => e.zone));
  });
});

describe('nodes', () => {
  it('parse allocatable CPU quantities exactly, rounding up to the millicore like MilliValue', () => {
    const cases: [string | number, number][] = [
      ['4', 4],
      ['3500m', 3.5],
      ['0.5', 0.5],
      ['.5', 0.5],
      ['0.1', 0.1],
      ['3920m', 3.92],
      ['2k', 2000],
      ['1Ki', 1024],
      ['1e3', 1000],
      ['1.5e1', 15],
      ['250000u', 0.25],
      ['100u', 0.001],
      ['1n', 0.001],
      [2.5, 2.5],
    ];
    for (const [quantity, cores] of cases) expect([quantity, parseCpuQuantity(quantity)]).toEqual([quantity, cores]);
  });

  it('read the zone and region from topology labels, falling back to the legacy failure-domain labels', () => {
    const c = ingest(
      list(
        nodeObject('legacy', {
          'failure-domain.beta.kubernetes.io/zone': 'us-east-1a',
          'failure-domain.beta.kubernetes.io/region': 'us-east-1',
        }),
        nodeObject('both', {
          'topology.kubernetes.io/zone': 'us-east-1b',
          'failure-domain.beta.kubernetes.io/zone': 'us-east-1a',
        }),
        nodeObject('none', { 'topology.kubernetes.io/zone': '' }),
      ),
    );
    expect(c.nodes.map((n) => [n.zone, n.region])).toEqual([
      ['us-east-1a', 'us-east-1'],
      ['us-east-1b', null],
      [null, null],
    ]);
  });

  it('read readiness, control-plane roles, node IPs and versions', () => {
    const c = ingest(
      list(
        nodeObject(
          'n1',
          { 'node-role.kubernetes.io/master': '' },
          {
            addresses: [
              { type: 'Hostname', address: 'n1' },
              { type: 'InternalIP', address: '10.0.0.5' },
              { type: 'InternalIP', address: 'fd00::5' },
              { type: 'InternalIP', address: '10.0.0.6' },
              { type: 'ExternalIP', address: '198.51.100.5' },
            ],
            conditions: [
              { type: 'DiskPressure', status: 'False' },
              { type: 'Ready', status: 'Unknown' },
            ],
            nodeInfo: { kubeletVersion: 'v1.31.4', kubeProxyVersion: '' },
          },
        ),
        nodeObject('n2', {}, { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '1930m' } }),
        nodeObject('n3', {}),
      ),
    );
    expect(c.nodes.map((n) => [n.name, n.ready, n.controlPlane, n.cpu])).toEqual([
      ['n1', false, true, 0],
      ['n2', true, false, 1.93],
      ['n3', false, false, 0],
    ]);
    expect(c.nodes[0]).toMatchObject({
      internalIPs: ['10.0.0.5', 'fd00::5'],
      kubeletVersion: 'v1.31.4',
      kubeProxyVersion: null,
    });
  });

  it('reject an InternalIP that is not an address', () => {
    const doc = list(nodeObject('n1', {}, { addresses: [{ type: 'InternalIP', address: 'node-1.internal' }] }));
    expect(problems(doc)).toEqual([
      { path: 'cluster.items[0].status.addresses[0].address', message: 'an InternalIP must be an IP address' },
    ]);
  });

  it('give shorthand nodes their defaults and labels', () => {
    const c = ingest({
      nodes: [
        { name: 'a', zone: 'z1', region: 'r', ip: '10.0.0.1', controlPlane: true, labels: { team: 'x' } },
        { name: 'b', labels: { 'topology.kubernetes.io/zone': 'z2' }, cpu: '500m', ready: false },
      ],
    });
    expect(c.nodes).toEqual([
      {
        name: 'a',
        zone: 'z1',
        region: 'r',
        controlPlane: true,
        cpu: 1,
        internalIPs: ['10.0.0.1'],
        ready: true,
        kubeletVersion: null,
        kubeProxyVersion: null,
        labels: {
          team: 'x',
          'topology.kubernetes.io/zone': 'z1',
          'topology.kubernetes.io/region': 'r',
          'node-role.kubernetes.io/control-plane': '',
        },
      },
      {
        name: 'b',
        zone: 'z2',
        region: null,
        controlPlane: false,
        cpu: 0.5,
        internalIPs: [],
        ready: false,
        kubeletVersion: null,
        kubeProxyVersion: null,
        labels: { 'topology.kubernetes.io/zone': 'z2' },
      },
    ]);
  });

  it('reject duplicate node names', () => {
    expect(problems({ nodes: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] })).toEqual([
      { path: 'cluster.nodes[2].name', message: 'duplicate node "a" (also at cluster.nodes[0].name)' },
    ]);
  });
});

describe('Services', () => {
  it('apply the API server defaults to a trimmed object', () => {
    const svc = onlyService(ingest(list(serviceObject('web', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] }))));
    expect(svc).toEqual({
      namespace: 'default',
      name: 'web',
      type: 'ClusterIP',
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
      ports: [{ name: '', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 0 }],
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: 10800,
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 0,
      trafficDistribution: null,
      topologyMode: null,
      annotations: {},
    });
  });

  it('read headless, dual-stack and ExternalName cluster IPs', () => {
    const c = ingest(
      list(
        serviceObject('headless', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432 }] }),
        serviceObject('dual', { clusterIPs: ['10.96.0.30', 'fd00:10:96::30'], ports: [{ port: 80 }] }),
        serviceObject('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
      ),
    );
    expect(c.services.map((s) => [s.name, s.clusterIPs, s.ipFamilies])).toEqual([
      ['headless', [], ['IPv4']],
      ['dual', ['10.96.0.30', 'fd00:10:96::30'], ['IPv4', 'IPv6']],
      ['ext', [], []],
    ]);
  });

  it('take load-balancer IPs from status ingress, skipping Proxy-mode and hostname-only entries', () => {
    const lb = (ingress: Json, loadBalancerIP?: string) =>
      onlyService(
        ingest(
          list(
            serviceObject(
              'lb',
              {
                type: 'LoadBalancer',
                clusterIP: '10.96.0.40',
                ...(loadBalancerIP === undefined ? {} : { loadBalancerIP }),
                ports: [{ port: 80, nodePort: 30100 }],
              },
              { status: { loadBalancer: { ingress } } },
            ),
          ),
        ),
      ).loadBalancerIPs;
    expect(lb([{ ip: '203.0.113.1' }, { ip: '203.0.113.2', ipMode: 'Proxy' }, { hostname: 'lb.example.com' }])).toEqual(
      ['203.0.113.1'],
    );
    expect(lb([], '203.0.113.9')).toEqual(['203.0.113.9']);
    expect(lb([{ hostname: 'lb.example.com' }], '203.0.113.9')).toEqual([]);
  });

  it('keep a health-check node port only for LoadBalancer with externalTrafficPolicy Local', () => {
    const hcnp = (type: string, policy: string) =>
      onlyService(
        ingest(
          list(
            serviceObject('s', {
              type,
              clusterIP: '10.96.0.50',
              externalTrafficPolicy: policy,
              healthCheckNodePort: 32100,
              ports: [{ port: 80, nodePort: 30200 }],
            }),
          ),
        ),
      ).healthCheckNodePort;
    expect([hcnp('LoadBalancer', 'Local'), hcnp('LoadBalancer', 'Cluster'), hcnp('NodePort', 'Local')]).toEqual([
      32100, 0, 0,
    ]);
  });

  it('read affinity timeouts, traffic policies, distribution and trimmed source ranges', () => {
    const svc = onlyService(
      ingest(
        list(
          serviceObject('s', {
            clusterIP: '10.96.0.60',
            ports: [{ port: 80 }],
            sessionAffinity: 'ClientIP',
            sessionAffinityConfig: { clientIP: { timeoutSeconds: 3600 } },
            internalTrafficPolicy: 'Local',
            trafficDistribution: 'PreferSameNode',
            loadBalancerSourceRanges: [' 203.0.113.0/24 '],
          }),
        ),
      ),
    );
    expect(svc).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 3600,
      internalTrafficPolicy: 'Local',
      externalTrafficPolicy: 'Cluster',
      trafficDistribution: 'PreferSameNode',
      loadBalancerSourceRanges: ['203.0.113.0/24'],
    });
  });

  it('read the topology annotation, the deprecated topology-aware-hints one winning as in kube-proxy', () => {
    const mode = (annotations: Record<string, string>) =>
      onlyService(
        ingest(
          list({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 's', annotations },
            spec: { clusterIP: '10.96.0.70', ports: [{ port: 80 }] },
          }),
        ),
      ).topologyMode;
    expect(mode({ 'service.kubernetes.io/topology-mode': 'Auto' })).toBe('Auto');
    expect(mode({ 'service.kubernetes.io/topology-aware-hints': 'auto' })).toBe('auto');
    expect(
      mode({ 'service.kubernetes.io/topology-mode': 'Auto', 'service.kubernetes.io/topology-aware-hints': 'Disabled' }),
    ).toBe('Disabled');
    expect(mode({})).toBeNull();
  });

  it('require a name on every port of a multi-port Service, and unique names', () => {
    const doc = list(
      serviceObject('s', {
        clusterIP: '10.96.0.80',
        ports: [{ name: 'http', port: 80 }, { port: 81 }, { name: 'http', port: 82 }],
      }),
    );
    expect(problems(doc)).toEqual([
      {
        path: 'cluster.items[0].spec.ports[1].name',
        message: 'a port name is required when the Service has several ports',
      },
      { path: 'cluster.items[0].spec.ports[2].name', message: 'duplicate port name "http"' },
    ]);
  });

  it('reject a duplicate Service and a cluster IP used twice', () => {
    const doc = list(
      serviceObject('a', { clusterIP: '10.96.0.90', ports: [{ port: 80 }] }),
      serviceObject('a', { clusterIP: '10.96.0.91', ports: [{ port: 80 }] }),
      serviceObject('b', { clusterIP: '10.96.0.90', ports: [{ port: 80 }] }),
    );
    expect(problems(doc)).toEqual([
      {
        path: 'cluster.items[1].metadata.name',
        message: 'duplicate Service "default/a" (also at cluster.items[0].metadata.name)',
      },
      {
        path: 'cluster.items[2].spec.clusterIPs',
        message: 'cluster IP 10.96.0.90 is also the cluster IP of "default/a"',
      },
    ]);
  });

  it('give shorthand Services the documented defaults, allocating free IPs and node ports in order', () => {
    const c = ingest({
      services: [
        { name: 'a', ports: [{ port: 80 }] },
        { name: 'taken', clusterIP: '10.96.0.2', ports: [{ port: 80 }] },
        { name: 'b', namespace: 'shop', type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
        {
          name: 'c',
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          ports: [{ port: 443, nodePort: 30001 }],
          loadBalancerIPs: ['203.0.113.5'],
        },
        { name: 'v6', ipFamilies: ['IPv6'], ports: [{ port: 53, protocol: 'UDP' }], topologyMode: 'Auto' },
        { name: 'h', clusterIP: 'None', ports: [] },
      ],
    });
    expect(
      c.services.map((s) => [s.name, s.clusterIPs, s.ports.map((p) => p.nodePort), s.healthCheckNodePort]),
    ).toEqual([
      ['a', ['10.96.0.1'], [0], 0],
      ['taken', ['10.96.0.2'], [0], 0],
      ['b', ['10.96.0.3'], [30000], 0],
      ['c', ['10.96.0.4'], [30001], 30002],
      ['v6', ['fd00:10:96::1'], [0], 0],
      ['h', [], [], 0],
    ]);
    expect(c.services[2]).toMatchObject({
      namespace: 'shop',
      type: 'NodePort',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: 30000 }],
    });
    expect(c.services[3]).toMatchObject({ loadBalancerIPs: ['203.0.113.5'], externalTrafficPolicy: 'Local' });
    expect(c.services[4]).toMatchObject({
      ipFamilies: ['IPv6'],
      topologyMode: 'Auto',
      annotations: { 'service.kubernetes.io/topology-mode': 'Auto' },
    });
  });

  it('reject shorthand settings the API server would refuse', () => {
    const doc = {
      services: [
        { name: 'a', ports: [{ port: 80, nodePort: 30080 }], healthCheckNodePort: 32000 },
        { name: 'b', clusterIP: '10.96.1.1', clusterIPs: ['10.96.1.2'], ports: [{ port: 80 }] },
        { name: 'c', clusterIPs: ['10.96.1.3', '10.96.1.4'], ports: [{ port: 80 }] },
        { name: 'd', clusterIP: '10.96.1.5', ipFamilies: ['IPv6'], ports: [{ port: 80 }] },
        { name: 'e', type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] },
        { name: 'f', type: 'NodePort', ports: [{ port: 81, nodePort: 30500 }] },
      ],
    };
    expect(problems(doc)).toEqual([
      { path: 'cluster.services[0].ports[0].nodePort', message: 'a node port needs type NodePort or LoadBalancer' },
      {
        path: 'cluster.services[0].healthCheckNodePort',
        message: 'only a LoadBalancer with externalTrafficPolicy Local has a health-check node port',
      },
      { path: 'cluster.services[1].clusterIPs', message: 'the first entry must equal clusterIP 10.96.1.1' },
      { path: 'cluster.services[2].clusterIPs', message: 'dual-stack cluster IPs need one IPv4 and one IPv6 address' },
      { path: 'cluster.services[3].ipFamilies', message: 'IPv6 does not match the cluster IPs (IPv4)' },
      { path: 'cluster.services[5].ports', message: 'node port 30500 is also used by "default/e"' },
    ]);
  });
});

describe('EndpointSlices', () => {
  const svc = serviceObject('web', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 8080 }] });

  it('read unset conditions as kube-proxy does (endpointslicecache.go): ready true, serving true, terminating false', () => {
    const slice = onlySlice(
      ingest(
        list(
          svc,
          sliceObject('web-1', 'web', {
            endpoints: [
              { addresses: ['10.244.0.1'] },
              { addresses: ['10.244.0.2'], conditions: {} },
              { addresses: ['10.244.0.3'], conditions: { ready: false } },
              { addresses: ['10.244.0.4'], conditions: { ready: false, terminating: true } },
              { addresses: ['10.244.0.5'], conditions: { ready: null, serving: false, terminating: null } },
            ],
            ports: [{ name: 'http', port: 8080 }],
          }),
        ),
      ),
    );
    expect(slice.endpoints.map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: true, serving: true, terminating: false },
      { ready: false, serving: true, terminating: false },
      { ready: false, serving: true, terminating: true },
      { ready: true, serving: false, terminating: false },
    ]);
  });

  it('read hints, node, zone, the first address and the Pod behind each endpoint', () => {
    const slice = onlySlice(
      ingest(
        list(
          svc,
          sliceObject('web-1', 'web', {
            endpoints: [
              {
                addresses: ['10.244.0.1', '10.244.0.99'],
                nodeName: 'n1',
                zone: 'z1',
                hints: { forZones: [{ name: 'z1' }, { name: 'z2' }], forNodes: [{ name: 'n1' }] },
                targetRef: { kind: 'Pod', name: 'web-abc', namespace: 'default' },
              },
              { addresses: ['10.244.0.2'], hints: { forZones: [] }, targetRef: { kind: 'Node', name: 'n9' } },
            ],
          }),
        ),
      ),
    );
    expect(slice.endpoints.map((e) => [e.address, e.nodeName, e.zone, e.zoneHints, e.nodeHints, e.podName])).toEqual([
      ['10.244.0.1', 'n1', 'z1', ['z1', 'z2'], ['n1'], 'web-abc'],
      ['10.244.0.2', null, null, null, null, null],
    ]);
  });

  it('default port names and protocols, skip ports without a number and read null endpoints as none', () => {
    const slice = onlySlice(
      ingest(
        list(
          svc,
          sliceObject('web-1', 'web', {
            endpoints: null,
            ports: [{ port: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'all' }],
          }),
        ),
      ),
    );
    expect(slice).toEqual({
      namespace: 'default',
      name: 'web-1',
      serviceName: 'web',
      addressType: 'IPv4',
      endpoints: [],
      ports: [
        { name: '', protocol: 'TCP', port: 8080 },
        { name: 'dns', protocol: 'UDP', port: 53 },
      ],
    });
  });

  it('reject a slice without the service-name label and addresses of the wrong family', () => {
    const doc = list(
      svc,
      sliceObject('orphan', null, { endpoints: [{ addresses: ['10.244.0.1'] }] }),
      sliceObject('web-1', 'web', { endpoints: [{ addresses: ['10.244.0.1'] }, { addresses: ['fd00::1'] }] }),
      sliceObject('web-2', 'web', { addressType: 'FQDN', endpoints: [{ addresses: ['web.example.com'] }] }),
    );
    expect(problems(doc)).toEqual([
      {
        path: 'cluster.items[1].metadata.labels["kubernetes.io/service-name"]',
        message:
          'EndpointSlice "default/orphan" has no kubernetes.io/service-name label, so it belongs to no Service (kube-proxy ignores it)',
      },
      {
        path: 'cluster.items[2].endpoints[1].addresses[0]',
        message: '"fd00::1" is not an IPv4 address (the slice\'s addressType)',
      },
    ]);
  });

  it('convert legacy Endpoints only for a Service without slices, as the mirroring controller would', () => {
    const other = serviceObject('other', { clusterIP: '10.96.0.21', ports: [{ name: 'http', port: 80 }] });
    const endpoints = (name: string, subsets: Json): Json => ({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: 'default' },
      subsets,
    });
    const c = ingest(
      list(
        svc,
        other,
        endpoints('other', [
          {
            addresses: [
              { ip: '10.244.1.1', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'other-1' } },
              { ip: 'fd00::2', nodeName: 'n2' },
            ],
            notReadyAddresses: [{ ip: '10.244.1.3' }],
            ports: [{ name: 'http', port: 8080 }],
          },
        ]),
        endpoints('web', [{ addresses: [{ ip: '10.244.9.9' }], ports: [{ port: 8080 }] }]),
        endpoints('gone', [{ addresses: [{ ip: '10.244.9.8' }], ports: [{ port: 8080 }] }]),
        sliceObject('web-1', 'web', {
          endpoints: [{ addresses: ['10.244.0.1'] }],
          ports: [{ name: 'http', port: 8080 }],
        }),
      ),
    );
    expect(
      c.endpointSlices.map((s) => [s.name, s.serviceName, s.addressType, s.endpoints.map((e) => e.address)]),
    ).toEqual([
      ['web-1', 'web', 'IPv4', ['10.244.0.1']],
      ['other-0', 'other', 'IPv4', ['10.244.1.1', '10.244.1.3']],
      ['other-1', 'other', 'IPv6', ['fd00::2']],
    ]);
    expect(c.endpointSlices[1]?.endpoints).toEqual([
      {
        address: '10.244.1.1',
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n1',
        zone: null,
        zoneHints: null,
        nodeHints: null,
        podName: 'other-1',
      },
      {
        address: '10.244.1.3',
        conditions: { ready: false, serving: false, terminating: false },
        nodeName: null,
        zone: null,
        zoneHints: null,
        nodeHints: null,
        podName: null,
      },
    ]);
    expect(c.endpointSlices[1]?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
  });
});

describe('endpoint shorthands', () => {
  const nodes = [
    { name: 'n1', zone: 'z1' },
    { name: 'n2', zone: 'z2' },
  ];
  const services = [
    { name: 'web', ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    {
      name: 'dns',
      namespace: 'kube-system',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
      ],
    },
    { name: 'named', ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    { name: 'web', namespace: 'shop', ports: [{ port: 80 }] },
  ];

  it('take the zone from the node, the ports from the Service and the family from the address', () => {
    const c = ingest({
      nodes,
      services,
      endpointSlices: [
        {
          service: 'default/web',
          endpoints: [
            { address: '10.244.0.1', node: 'n1' },
            { address: '10.244.0.2', node: 'n2', zone: 'elsewhere', ready: false, terminating: true, serving: true },
            { address: '10.244.0.3', hints: ['z1'], nodeHints: ['n1'], pod: 'web-3' },
          ],
        },
        { service: 'dns', endpoints: [{ address: 'fd00::53', node: 'n2' }] },
        { service: 'named', ports: [{ port: 8081 }], endpoints: [] },
        { service: 'default/web', name: 'web-extra', endpoints: [{ address: '10.244.0.4' }] },
        { service: 'default/web', endpoints: [{ address: '10.244.0.5' }] },
      ],
    });
    expect(c.endpointSlices.map((s) => [s.namespace, s.name, s.serviceName, s.addressType, s.ports])).toEqual([
      ['default', 'web-0', 'web', 'IPv4', [{ name: 'http', protocol: 'TCP', port: 8080 }]],
      [
        'kube-system',
        'dns-0',
        'dns',
        'IPv6',
        [
          { name: 'dns', protocol: 'UDP', port: 53 },
          { name: 'dns-tcp', protocol: 'TCP', port: 53 },
        ],
      ],
      ['default', 'named-0', 'named', 'IPv4', [{ name: 'http', protocol: 'TCP', port: 8081 }]],
      ['default', 'web-extra', 'web', 'IPv4', [{ name: 'http', protocol: 'TCP', port: 8080 }]],
      ['default', 'web-2', 'web', 'IPv4', [{ name: 'http', protocol: 'TCP', port: 8080 }]],
    ]);
    expect(c.endpointSlices[0]?.endpoints).toEqual([
      {
        address: '10.244.0.1',
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n1',
        zone: 'z1',
        zoneHints: null,
        nodeHints: null,
        podName: null,
      },
      {
        address: '10.244.0.2',
        conditions: { ready: false, serving: true, terminating: true },
        nodeName: 'n2',
        zone: 'elsewhere',
        zoneHints: null,
        nodeHints: null,
        podName: null,
      },
      {
        address: '10.244.0.3',
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: null,
        zone: null,
        zoneHints: ['z1'],
        nodeHints: ['n1'],
        podName: 'web-3',
      },
    ]);
  });

  it('name the problem: unknown or ambiguous Service, unknown node, missing port details, wrong family', () => {
    const doc = {
      nodes,
      services,
      endpointSlices: [
        { service: 'default/nope', endpoints: [] },
        { service: 'web', endpoints: [] },
        { service: 'nope', endpoints: [] },
        { service: 'default/web', endpoints: [{ address: '10.244.0.1', node: 'n3' }] },
        { service: 'named', endpoints: [] },
        { service: 'dns', ports: [{ port: 5353 }], endpoints: [] },
        { service: 'default/web', addressType: 'IPv6', endpoints: [{ address: '10.244.0.1' }] },
      ],
    };
    const listed = '"default/web", "kube-system/dns", "default/named", "shop/web"';
    expect(problems(doc)).toEqual([
      {
        path: 'cluster.endpointSlices[0].service',
        message: `no Service "default/nope" in the snapshot; its Services: ${listed}`,
      },
      {
        path: 'cluster.endpointSlices[1].service',
        message: '"web" names a Service in several namespaces ("default/web", "shop/web"); write namespace/name',
      },
      {
        path: 'cluster.endpointSlices[2].service',
        message: `no Service named "nope" in any namespace; the snapshot's Services: ${listed}`,
      },
      {
        path: 'cluster.endpointSlices[3].endpoints[0].node',
        message: 'no node "n3" in the snapshot; its nodes: "n1", "n2"',
      },
      {
        path: 'cluster.endpointSlices[4].ports',
        message:
          'Service port http 80/TCP targets the named container port "web"; give ports: [{ name: "http", port: <number> }]',
      },
      {
        path: 'cluster.endpointSlices[5].ports[0].name',
        message: 'Service "kube-system/dns" has several ports ("dns", "dns-tcp"); name the one this is',
      },
      {
        path: 'cluster.endpointSlices[6].endpoints[0].address',
        message: '"10.244.0.1" is not an IPv6 address (the slice\'s addressType)',
      },
    ]);
  });

  it('reject two slices with one name', () => {
    const doc = {
      services,
      endpointSlices: [
        { service: 'default/web', name: 'web-x', endpoints: [] },
        { service: 'default/web', name: 'web-x', endpoints: [] },
      ],
    };
    expect(problems(doc)).toEqual([
      {
        path: 'cluster.endpointSlices[1].name',
        message: 'duplicate EndpointSlice "default/web-x" (also at cluster.endpointSlices[0].name)',
      },
    ]);
  });
});

describe('error reporting', () => {
  it('is a 422 SnapshotError listing at most 100 problems and counting the rest', () => {
    const doc = { nodes: Array.from({ length: 130 }, () => ({ name: 'same' })) };
    let error: unknown;
    try {
      ingest(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapshotError);
    const e = error as SnapshotError;
    expect(e.status).toBe(422);
    expect(e.issues).toHaveLength(101);
    expect(e.issues[100]).toEqual({ path: 'cluster', message: '29 more problems not listed' });
    expect(e.message).toBe('cluster.nodes[1].name: duplicate node "same" (also at cluster.nodes[0].name)');
  });

  it('uses the body path it is given', () => {
    const doc = setPath(loadFixture('cluster.kubectl'), ['items', 18, 'metadata', 'labels'], {});
    expect(() => ingestCluster(ClusterSnapshot.parse(doc), 'scenario.cluster')).toThrow(
      /^scenario\.cluster\.items\[18\]\.metadata\.labels\["kubernetes\.io\/service-name"\]: EndpointSlice "default\/demo-svc-7xk2p"/,
    );
  });
});

describe('the benchmark snapshot', () => {
  it('is a valid kubectl List with the requested numbers of Services and endpoints', () => {
    const c = ingest(generateSnapshot({ services: 60, endpoints: 700, nodes: 9, seed: 7 }));
    expect(c.services).toHaveLength(60);
    expect(c.nodes).toHaveLength(9);
    expect(c.endpointSlices.reduce((n, s) => n + s.endpoints.length, 0)).toBe(700);
  });
});
