// Generates a large cluster snapshot shaped exactly like `kubectl get nodes,services,endpointslices -A
// -o json` (a v1 List, 4-space indentation, kubectl's alphabetical key order, uid / resourceVersion /
// ownerReferences ...), deterministically from a seed, for bench/ingest.ts.
//
//   npx tsx bench/gen-snapshot.ts [--services 10000] [--endpoints 100000] [--nodes 1000] [--seed 1] [--out FILE|-]
//
// Default output: bench/out/snapshot-<services>.json (bench/out is gitignored); `--out -` writes to stdout.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatIPv4 } from '../src/dataplane/ip.js';
import { Rng } from '../src/engine/rng.js';

export interface SnapshotSize {
  services: number;
  endpoints: number;
  nodes: number;
  seed: number;
}

export const DEFAULT_SIZE: SnapshotSize = { services: 10_000, endpoints: 100_000, nodes: 1_000, seed: 1 };

const ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
const MAX_ENDPOINTS_PER_SLICE = 100; // the EndpointSlice controller's default --max-endpoints-per-slice
const PODS_PER_NODE = 250; // addresses in a node's /24 pod CIDR that the generator hands out

/** The engine's seeded generator, for reproducible synthetic data. */
function rng(seed: number): () => number {
  const r = new Rng(seed, 'gen-snapshot');
  return () => r.next();
}

/** Endpoint counts per Service summing to `total`, each at least 1, spread ±80 % around the mean. */
function endpointCounts(services: number, total: number, random: () => number): number[] {
  const weights = Array.from({ length: services }, () => 0.2 + 1.6 * random());
  const spare = total - services;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (spare * w) / sum);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((p, q) => q[0] - p[0]);
  for (const [, i] of byRemainder) {
    if (missing-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

export function generateSnapshot(size: SnapshotSize = DEFAULT_SIZE): unknown {
  if (size.endpoints < size.services) throw new RangeError('need at least one endpoint per Service');
  if (size.endpoints > size.nodes * PODS_PER_NODE) throw new RangeError(`at most ${PODS_PER_NODE} endpoints per node`);
  const random = rng(size.seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(random() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
  const suffix = () =>
    Array.from({ length: 5 }, () => 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(random() * 27)]).join('');
  const created = '2025-06-02T08:15:42Z';
  let resourceVersion = 1_000_000;
  let nextNodePort = 30000; // handed out in order, like a --service-node-port-range that starts at 30000

  const items: unknown[] = [];
  const nodeNames: string[] = [];
  for (let i = 0; i < size.nodes; i++) {
    const zone = ZONES[i % ZONES.length]!;
    const name = `node-${zone.slice(-1)}${String(Math.floor(i / ZONES.length) + 1).padStart(3, '0')}`;
    nodeNames.push(name);
    const ip = formatIPv4((10 << 24) + ((1 + (i % ZONES.length)) << 16) + 10 + Math.floor(i / ZONES.length));
    items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        creationTimestamp: created,
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': 'm6i.2xlarge',
          'topology.kubernetes.io/region': 'eu-central-1',
          'topology.kubernetes.io/zone': zone,
        },
        name,
        resourceVersion: String(resourceVersion++),
        uid: uid(),
      },
      spec: { podCIDR: `10.${128 + (i >> 8)}.${i & 255}.0/24`, podCIDRs: [`10.${128 + (i >> 8)}.${i & 255}.0/24`] },
      status: {
        addresses: [
          { address: ip, type: 'InternalIP' },
          { address: name, type: 'Hostname' },
        ],
        allocatable: { cpu: '7910m', 'ephemeral-storage': '95491281146', memory: '31649504Ki', pods: '250' },
        capacity: { cpu: '8', 'ephemeral-storage': '103865360Ki', memory: '32671712Ki', pods: '250' },
        conditions: [
          {
            lastHeartbeatTime: created,
            lastTransitionTime: created,
            message: 'kubelet is posting ready status',
            reason: 'KubeletReady',
            status: 'True',
            type: 'Ready',
          },
        ],
        nodeInfo: {
          architecture: 'amd64',
          containerRuntimeVersion: 'containerd://1.7.24',
          kernelVersion: '6.8.0-1021-aws',
          kubeProxyVersion: '',
          kubeletVersion: 'v1.33.2',
          operatingSystem: 'linux',
          osImage: 'Ubuntu 24.04.1 LTS',
        },
      },
    });
  }

  const counts = endpointCounts(size.services, size.endpoints, random);
  const podsOnNode = new Array<number>(size.nodes).fill(0);
  const services: unknown[] = [];
  const slices: unknown[] = [];
  for (let s = 0; s < size.services; s++) {
    const namespace = `team-${String(s % 100).padStart(3, '0')}`;
    const name = `svc-${s}`;
    const serviceUid = uid();
    const roll = random();
    const type = roll < 0.03 ? 'headless' : roll < 0.83 ? 'ClusterIP' : roll < 0.95 ? 'NodePort' : 'LoadBalancer';
    const twoPorts = random() < 0.3;
    const affinity = random() < 0.05;
    const hinted = random() < 0.1;
    const clusterIP = type === 'headless' ? 'None' : formatIPv4(0x0a600100 + s);
    const servicePorts: Record<string, unknown>[] = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }];
    if (twoPorts) servicePorts.push({ name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9090 });
    if (type === 'NodePort' || type === 'LoadBalancer') {
      for (const p of servicePorts) p.nodePort = nextNodePort++;
    }
    const external = type === 'NodePort' || type === 'LoadBalancer';
    const local = external && random() < 0.4;
    const spec: Record<string, unknown> = {
      clusterIP,
      clusterIPs: [clusterIP],
      ...(external ? { externalTrafficPolicy: local ? 'Local' : 'Cluster' } : {}),
      ...(type === 'LoadBalancer' && local ? { healthCheckNodePort: nextNodePort++ } : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: servicePorts,
      selector: { app: name },
      sessionAffinity: affinity ? 'ClientIP' : 'None',
      ...(affinity ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } } : {}),
      type: type === 'headless' ? 'ClusterIP' : type,
    };
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...(hinted ? { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } : {}),
        creationTimestamp: created,
        labels: { app: name, 'app.kubernetes.io/part-of': namespace },
        name,
        namespace,
        resourceVersion: String(resourceVersion++),
        uid: serviceUid,
      },
      spec,
      status: {
        loadBalancer:
          type === 'LoadBalancer' ? { ingress: [{ ip: formatIPv4(0xcb007100 + (s & 255)), ipMode: 'VIP' }] } : {},
      },
    });

    const count = counts[s] ?? 1;
    const endpoints: unknown[] = [];
    for (let e = 0; e < count; e++) {
      let node = Math.floor(random() * size.nodes);
      while ((podsOnNode[node] ?? 0) >= PODS_PER_NODE) node = (node + 1) % size.nodes;
      const k = podsOnNode[node] ?? 0;
      podsOnNode[node] = k + 1;
      const zone = ZONES[node % ZONES.length]!;
      const terminating = random() < 0.01;
      endpoints.push({
        addresses: [`10.${128 + (node >> 8)}.${node & 255}.${k + 2}`],
        conditions: { ready: !terminating, serving: true, terminating },
        ...(hinted && !terminating ? { hints: { forZones: [{ name: zone }] } } : {}),
        nodeName: nodeNames[node],
        targetRef: { kind: 'Pod', name: `${name}-6d5f7b9c8-${suffix()}`, namespace, uid: uid() },
        zone,
      });
    }
    const slicePorts = servicePorts.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' }));
    for (let from = 0; from < endpoints.length; from += MAX_ENDPOINTS_PER_SLICE) {
      slices.push({
        addressType: 'IPv4',
        apiVersion: 'discovery.k8s.io/v1',
        endpoints: endpoints.slice(from, from + MAX_ENDPOINTS_PER_SLICE),
        kind: 'EndpointSlice',
        metadata: {
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': created },
          creationTimestamp: created,
          generateName: `${name}-`,
          generation: 1,
          labels: {
            app: name,
            'app.kubernetes.io/part-of': namespace,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
            'kubernetes.io/service-name': name,
            ...(type === 'headless' ? { 'service.kubernetes.io/headless': '' } : {}),
          },
          name: `${name}-${suffix()}`,
          namespace,
          ownerReferences: [
            { apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name, uid: serviceUid },
          ],
          resourceVersion: String(resourceVersion++),
          uid: uid(),
        },
        ports: slicePorts,
      });
    }
  }
  items.push(...services, ...slices);
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** The snapshot as kubectl prints it (4-space indentation). */
export function snapshotText(size: SnapshotSize = DEFAULT_SIZE): string {
  return `${JSON.stringify(generateSnapshot(size), null, 4)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      services: { type: 'string' },
      endpoints: { type: 'string' },
      nodes: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const size: SnapshotSize = {
    services: Number(values.services ?? DEFAULT_SIZE.services),
    endpoints: Number(values.endpoints ?? DEFAULT_SIZE.endpoints),
    nodes: Number(values.nodes ?? DEFAULT_SIZE.nodes),
    seed: Number(values.seed ?? DEFAULT_SIZE.seed),
  };
  const text = snapshotText(size);
  if (values.out === '-') process.stdout.write(text);
  else {
    const out = values.out ?? fileURLToPath(new URL(`./out/snapshot-${size.services}.json`, import.meta.url));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    process.stderr.write(`wrote ${out} (${text.length} bytes)\n`);
  }
}
