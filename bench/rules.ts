// Rendering cost at scale: a 10 000-Service / 100 000-endpoint snapshot (10 endpoints per Service, built
// in-process) rendered as iptables-save, nft list ruleset and ipvsadm -Ln text, timed beside the kernel
// tools reading the same text in the same run (`iptables-restore --test`, `nft -c -f`, in a throwaway
// network namespace; skipped with a reason when not root). Target: rendering is faster than the kernel
// tool reads it. Prints one JSON document.
//
//   npx tsx bench/rules.ts [services] [endpointsPerService] [--nft-check]
//
// `nft -c -f` of the 10 000-Service table needs well over 1 GB of memory, so it only runs when asked.

import { performance } from 'node:perf_hooks';
import { renderRules } from '../src/render/index.js';
import type { Cluster, EndpointSlice, Node, Service } from '../src/scenario/cluster.js';
import { kernelTestBlocker, withThrowawayNamespace } from '../test/render/netns.js';
import { median } from './lib/median.js';

const numbers = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
const SERVICES = Number(numbers[0] ?? 10_000);
const PER_SERVICE = Number(numbers[1] ?? 10);
const NODES = 20;
const REPEATS = 3;

function ip(base: number, k: number): string {
  return `${base + (k >>> 16)}.${(k >>> 8) & 255}.${k & 255}`;
}

function buildCluster(): Cluster {
  const nodes: Node[] = Array.from({ length: NODES }, (_, i) => ({
    name: `node-${i}`,
    zone: `zone-${i % 3}`,
    region: null,
    cpu: 8,
    internalIPs: [`192.168.0.${10 + i}`],
    ready: true,
    controlPlane: false,
    kubeletVersion: null,
    kubeProxyVersion: null,
    labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` },
  }));
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  let pod = 0;
  for (let s = 0; s < SERVICES; s++) {
    const namespace = `ns-${s % 50}`;
    const name = `svc-${s}`;
    services.push({
      namespace,
      name,
      type: s % 10 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIPs: [`10.${96 + (s >>> 16)}.${(s >>> 8) & 255}.${s & 255}`],
      ipFamilies: ['IPv4'],
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
      ports: [
        {
          name: 'http',
          protocol: 'TCP',
          port: 80,
          targetPort: 8080,
          nodePort: s % 10 === 0 ? 30000 + ((s / 10) % 2768) : 0,
        },
      ],
      sessionAffinity: s % 7 === 0 ? 'ClientIP' : 'None',
      sessionAffinityTimeoutSeconds: 10800,
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 0,
      trafficDistribution: null,
      topologyMode: null,
      annotations: {},
    });
    endpointSlices.push({
      namespace,
      name: `${name}-x1`,
      serviceName: name,
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      endpoints: Array.from({ length: PER_SERVICE }, () => {
        const k = pod++;
        return {
          address: `10.${ip(128, k)}`,
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: `node-${k % NODES}`,
          zone: `zone-${(k % NODES) % 3}`,
          zoneHints: null,
          nodeHints: null,
          podName: `${name}-${k}`,
        };
      }),
    });
  }
  return { nodes, services, endpointSlices };
}

function timeMs<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const round = (x: number) => Math.round(x * 10) / 10;

const cluster = timeMs(buildCluster);
const options = { clusterCIDR: '10.128.0.0/9', target: { service: 'ns-0/svc-0', port: 'http' } } as const;
// Only one rendering is kept alive at a time: the whole process tree may have little memory (the kernel
// tool reading 35 MB of rules needs its share).
const checkNft = process.argv.includes('--nft-check');

const perMode: Record<string, { renderMs: { min: number; median: number }; bytes: number; lines: number }> = {};
let iptablesText = '';
let nftablesText = '';
for (const mode of ['iptables', 'nftables', 'ipvs'] as const) {
  const ms: number[] = [];
  let text = '';
  for (let i = 0; i < REPEATS; i++) {
    const run = timeMs(
      () => renderRules(cluster.value, 'node-0', { ...options, renderings: [mode] })[mode]?.text ?? '',
    );
    ms.push(run.ms);
    text = run.value;
  }
  perMode[mode] = {
    renderMs: { min: round(Math.min(...ms)), median: round(median(ms)) },
    bytes: Buffer.byteLength(text),
    lines: text.split('\n').length - 1,
  };
  if (mode === 'iptables') iptablesText = text;
  if (mode === 'nftables' && checkNft) nftablesText = text;
}
const all = timeMs(() => {
  const r = renderRules(cluster.value, 'node-0', options);
  return {
    iptables: r.iptables?.counts,
    nftables: r.nftables?.counts,
    ipvs: r.ipvs?.counts,
  };
});

const blocker = kernelTestBlocker();
let kernel: Record<string, unknown> = { skipped: blocker };
if (blocker === null) {
  const iptablesRestore = withThrowawayNamespace(
    (exec) => timeMs(() => exec('iptables-restore', ['--test'], iptablesText)).ms,
  );
  kernel = {
    iptablesRestoreTestMs: round(iptablesRestore),
    iptablesRenderFasterThanRestore: (perMode.iptables?.renderMs.median ?? Number.POSITIVE_INFINITY) < iptablesRestore,
  };
  if (checkNft) {
    const nftCheck = withThrowawayNamespace((exec) => timeMs(() => exec('nft', ['-c', '-f', '-'], nftablesText)).ms);
    kernel.nftCheckMs = round(nftCheck);
    kernel.nftablesRenderFasterThanCheck = (perMode.nftables?.renderMs.median ?? Number.POSITIVE_INFINITY) < nftCheck;
  }
}

const iptCounts = all.value.iptables;
process.stdout.write(
  `${JSON.stringify(
    {
      snapshot: { services: SERVICES, endpoints: SERVICES * PER_SERVICE, nodes: NODES, buildMs: round(cluster.ms) },
      node: 'node-0',
      renderAllThreeMs: round(all.ms),
      perMode,
      counts: {
        iptables: iptCounts && { rules: iptCounts.rules, largeClusterMode: iptCounts.largeClusterMode },
        nftables: all.value.nftables && { rules: all.value.nftables.rules, chains: all.value.nftables.chains },
        ipvs: all.value.ipvs && {
          virtualServers: all.value.ipvs.virtualServers,
          realServers: all.value.ipvs.realServers,
        },
      },
      rulesTraversedToTarget: {
        iptables: iptCounts?.rulesTraversedToTarget && {
          min: iptCounts.rulesTraversedToTarget.min,
          mean: iptCounts.rulesTraversedToTarget.mean,
          max: iptCounts.rulesTraversedToTarget.max,
          expectedMean: iptCounts.rulesTraversedToTarget.expectedMean,
        },
        nftables: all.value.nftables?.rulesTraversedToTarget?.mean,
        ipvs: all.value.ipvs?.rulesTraversedToTarget?.mean,
      },
      kernel,
      node_version: process.version,
    },
    null,
    2,
  )}\n`,
);
