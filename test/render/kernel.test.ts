// Kernel in the loop: the renderings are loaded into a real kernel (in throwaway network namespaces, see
// netns.ts) and real TCP connections are sent through them; what the kernel does is compared with what the
// simulator's models say it does. Needs root, iproute2, iptables (nf_tables backend), nft and conntrack:
// in CI (CI=true) a missing prerequisite fails the suite, elsewhere it skips it.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cascadeShares } from '../../src/dataplane/iptables.js';
import { type RenderRulesOptions, renderRules } from '../../src/render/index.js';
import type { Cluster, Service } from '../../src/scenario/cluster.js';
import { chiSquareStatistic, chiSquareSurvival } from './chisq.js';
import { endpoint, node, overallCluster, port, service, slice, TEST_NODE } from './fixtures.js';
import {
  type ConnectResult,
  checkInThrowawayNamespace,
  deleteStaleNamespaces,
  kernelTestBlocker,
  NetnsPair,
  NODE_IP,
  withThrowawayNamespace,
} from './netns.js';
import { comparable, parseNftListing } from './normalise.js';

const NODE = 'node-a';
const REMOTE = 'node-b';
const BACKEND_PORT = 8080;
const SPREAD = [2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Connections per endpoint for the share tests: expected counts ≥ 5 keep Pearson's approximation valid. */
const PER_ENDPOINT = 30;
const AFFINITY_SOURCES = Array.from({ length: 8 }, (_, i) => `192.168.250.${101 + i}`);
const OPTIONS: RenderRulesOptions = { clusterCIDR: '10.244.0.0/16' };

function spreadService(n: number): Service {
  return service('default', `spread-${n}`, { clusterIP: `10.96.1.${n}`, ports: [port('http', 80)] });
}

/** The Services the traffic tests exercise, all rendered for node-a (whose IP is the server namespace's). */
function trafficCluster(): Cluster {
  const services: Service[] = [];
  const slices: Cluster['endpointSlices'] = [];
  const http = [{ name: 'http', port: BACKEND_PORT }];
  const add = (svc: Service, eps: [string, string][]) => {
    services.push(svc);
    slices.push(
      slice(
        svc,
        eps.map(([ip, nodeName]) => endpoint(ip, { nodeName })),
        http,
      ),
    );
  };
  for (const n of SPREAD) {
    add(
      spreadService(n),
      Array.from({ length: n }, (_, i): [string, string] => [`10.244.${n}.${i + 1}`, i % 2 === 0 ? NODE : REMOTE]),
    );
  }
  add(
    service('default', 'sticky', {
      clusterIP: '10.96.2.1',
      ports: [port('http', 80)],
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 600,
    }),
    [1, 2, 3, 4, 5].map((i): [string, string] => [`10.244.20.${i}`, NODE]),
  );
  add(
    service('default', 'itp-remote', {
      clusterIP: '10.96.2.2',
      internalTrafficPolicy: 'Local',
      ports: [port('http', 80)],
    }),
    [['10.244.21.1', REMOTE]],
  );
  add(
    service('default', 'itp-here', {
      clusterIP: '10.96.2.3',
      internalTrafficPolicy: 'Local',
      ports: [port('http', 80)],
    }),
    [
      ['10.244.22.1', NODE],
      ['10.244.22.2', REMOTE],
    ],
  );
  add(
    service('default', 'etp-remote', {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      clusterIP: '10.96.2.4',
      ports: [port('http', 80, 30081)],
    }),
    [['10.244.23.1', REMOTE]],
  );
  add(
    service('default', 'etp-here', {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      clusterIP: '10.96.2.5',
      externalIPs: ['192.0.2.10'],
      ports: [port('http', 80, 30082)],
    }),
    [
      ['10.244.24.1', NODE],
      ['10.244.24.2', REMOTE],
    ],
  );
  const empty = service('default', 'empty', { clusterIP: '10.96.2.6', ports: [port('http', 80)] });
  services.push(empty);
  // Loaded but not dialled: UDP and SCTP ports, an LB with source ranges covering the node, a draining pod.
  const mixed = service('default', 'mixed', {
    type: 'LoadBalancer',
    clusterIP: '10.96.2.7',
    loadBalancerIPs: ['192.0.2.20'],
    loadBalancerSourceRanges: ['192.168.250.0/24', '203.0.113.0/25'],
    ports: [port('dns', 53, 30053, 'UDP'), port('dns-tcp', 53, 30054), port('sctp', 9000, 30055, 'SCTP')],
  });
  services.push(mixed);
  slices.push(
    slice(
      mixed,
      [
        endpoint('10.244.25.1', { nodeName: NODE }),
        endpoint('10.244.25.2', { conditions: { ready: false, serving: true, terminating: true } }),
      ],
      [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
        { name: 'sctp', port: 9000, protocol: 'SCTP' },
      ],
    ),
  );
  return { nodes: [node(NODE, NODE_IP), node(REMOTE, '192.168.250.3')], services, endpointSlices: slices };
}

const blocker = kernelTestBlocker();
const inCI = process.env.CI === 'true';

if (blocker !== null && inCI) {
  describe('kernel in the loop', () => {
    it('has root and the netfilter tools it needs', () => {
      throw new Error(`kernel tests cannot run: ${blocker}`);
    });
  });
}

/** Fixture renderings every tool must accept, with the options that change their shape. */
function fixtureRenderings(): { name: string; iptables: string; nftables: string }[] {
  const cases: [string, Cluster, string, RenderRulesOptions][] = [
    [
      'kube-proxy overall test',
      overallCluster(),
      TEST_NODE,
      { clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.30.0.0/16'] },
    ],
    ['traffic cluster', trafficCluster(), NODE, OPTIONS],
    [
      'masquerade all, large-cluster mode',
      trafficCluster(),
      NODE,
      { masqueradeAll: true, largeClusterEndpointsThreshold: 10 },
    ],
    [
      'nodeport addresses, no localhost',
      trafficCluster(),
      NODE,
      { nodePortAddresses: ['192.168.250.0/24'], localhostNodePorts: false },
    ],
    ['no cluster CIDR, every address for NodePorts', trafficCluster(), REMOTE, { nodePortAddresses: ['0.0.0.0/0'] }],
  ];
  return cases.map(([name, cluster, nodeName, opts]) => {
    const r = renderRules(cluster, nodeName, { ...opts, renderings: ['iptables', 'nftables'] });
    return { name, iptables: r.iptables?.text ?? '', nftables: r.nftables?.text ?? '' };
  });
}

describe.skipIf(blocker !== null)('kernel in the loop', () => {
  beforeAll(() => deleteStaleNamespaces());

  it('iptables-restore --test and nft -c -f accept every rendering of the fixture snapshots', () => {
    for (const f of fixtureRenderings()) {
      expect(() => checkInThrowawayNamespace('iptables', f.iptables), f.name).not.toThrow();
      expect(() => checkInThrowawayNamespace('nftables', f.nftables), f.name).not.toThrow();
    }
  });

  it('nft list ruleset prints back the rendered table: the same objects, and byte for byte with nft 1.0.6', () => {
    // The printer follows nft 1.0.6 (Debian 12); other releases may spell a priority or a statement
    // differently, so there the comparison is of chains, rules and elements.
    const exact = /v1\.0\.6\b/.test(execFileSync('nft', ['--version'], { encoding: 'utf8' }));
    for (const f of fixtureRenderings()) {
      const listed = withThrowawayNamespace((exec) => {
        exec('nft', ['-f', '-'], f.nftables);
        return exec('nft', ['list', 'ruleset']);
      });
      expect(comparable(parseNftListing(listed)), f.name).toEqual(comparable(parseNftListing(f.nftables)));
      if (exact) expect(listed, f.name).toBe(f.nftables);
    }
  });

  it('iptables-save lists the number of rules per chain the counts report', () => {
    const r = renderRules(trafficCluster(), NODE, { ...OPTIONS, renderings: ['iptables'] });
    const saved = withThrowawayNamespace((exec) => {
      exec('iptables-restore', [], r.iptables?.text);
      return exec('iptables-save', []);
    });
    const perChain: Record<string, Record<string, number>> = {};
    let table = '';
    for (const line of saved.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      const m = /^-A (\S+) /.exec(line) ?? /^-A (\S+)$/.exec(line);
      if (m) {
        const counts = perChain[table] ?? {};
        perChain[table] = counts;
        counts[m[1] ?? ''] = (counts[m[1] ?? ''] ?? 0) + 1;
      }
    }
    const nonZero = (rec: Record<string, number>) => Object.fromEntries(Object.entries(rec).filter(([, v]) => v > 0));
    expect(perChain.filter).toEqual(nonZero(r.iptables?.counts.rulesPerChain.filter ?? {}));
    expect(perChain.nat).toEqual(nonZero(r.iptables?.counts.rulesPerChain.nat ?? {}));
  });

  describe.each(['iptables', 'nftables'] as const)('%s rules under real connections', (mode) => {
    let pair: NetnsPair;
    const cluster = trafficCluster();

    beforeAll(async () => {
      pair = new NetnsPair();
      pair.addClientSources(AFFINITY_SOURCES);
      pair.routeViaNode(['10.96.0.0/16', '192.0.2.0/24']);
      pair.addEndpointAddresses(cluster.endpointSlices.flatMap((s) => s.endpoints.map((e) => e.address)));
      const rendered = renderRules(cluster, NODE, { ...OPTIONS, renderings: [mode] });
      if (mode === 'iptables') pair.inServer('iptables-restore', [], rendered.iptables?.text);
      else pair.inServer('nft', ['-f', '-'], rendered.nftables?.text);
      await pair.startBackends([BACKEND_PORT]);
    });
    afterAll(() => pair?.close());

    const dial = (
      host: string,
      port: number,
      perSource: number,
      extra: Partial<Parameters<NetnsPair['connect']>[0]> = {},
    ) =>
      pair.connect({ host, port, sources: ['192.168.250.1'], perSource, concurrency: 32, timeoutMs: 2000, ...extra });

    it('spreads connections over n = 2…10 endpoints in the shares the simulator models (χ², p > 0.01)', async () => {
      // Pearson's χ² summed over the nine Services (df = Σ(n−1) = 45) against the model's shares: the
      // iptables cascade's exact per-rule thresholds (cascadeShares), nftables' numgen uniform 1/n. The
      // kernel's randomness cannot be seeded, so a batch that fails at 1 % is repeated once: a correct
      // model fails both with probability 10⁻⁴, a wrong one (e.g. 1/n per rule) fails both.
      let p = 0;
      for (let attempt = 0; attempt < 2 && p <= 0.01; attempt++) {
        let statistic = 0;
        let df = 0;
        for (const n of SPREAD) {
          const result = await dial(`10.96.1.${n}`, 80, PER_ENDPOINT * n);
          expect(result.errors).toEqual({});
          const endpoints = Array.from({ length: n }, (_, i) => `10.244.${n}.${i + 1}:${BACKEND_PORT}`).sort();
          const observed = endpoints.map((ep) => result.byReply[ep] ?? 0);
          expect(observed.reduce((a, b) => a + b, 0)).toBe(PER_ENDPOINT * n);
          const shares = mode === 'iptables' ? cascadeShares(n) : new Float64Array(n).fill(1 / n);
          statistic += chiSquareStatistic(observed, shares);
          df += n - 1;
        }
        p = chiSquareSurvival(statistic, df);
      }
      expect(p).toBeGreaterThan(0.01);
    });

    it('keeps each client source on one backend under ClientIP affinity', async () => {
      const result = await dial('10.96.2.1', 80, 12, { sources: AFFINITY_SOURCES, primeSources: true });
      expect(result.errors).toEqual({});
      const chosen = AFFINITY_SOURCES.map((s) => Object.keys(result.bySource[s] ?? {}));
      for (const backends of chosen) expect(backends).toHaveLength(1);
      // Eight independent first picks all landing on one of five backends: probability 5·5⁻⁸ ≈ 1.3e-5.
      expect(new Set(chosen.flat()).size).toBeGreaterThan(1);
    });

    it('drops ClusterIP traffic under internalTrafficPolicy Local without a local endpoint, and uses only local ones', async () => {
      const remote = await dial('10.96.2.2', 80, 3, { timeoutMs: 300 });
      expect(remote.errors).toEqual({ timeout: 3 });
      const here = await dial('10.96.2.3', 80, 20);
      expect(here.byReply).toEqual({ [`10.244.22.1:${BACKEND_PORT}`]: 20 });
    });

    it('drops external traffic under externalTrafficPolicy Local without a local endpoint, and uses only local ones', async () => {
      const remoteNodePort = await dial(NODE_IP, 30081, 3, { timeoutMs: 300 });
      expect(remoteNodePort.errors).toEqual({ timeout: 3 });
      // The same Service's ClusterIP still reaches the remote endpoint (ITP=Cluster).
      const clusterIP = await dial('10.96.2.4', 80, 5);
      expect(clusterIP.byReply).toEqual({ [`10.244.23.1:${BACKEND_PORT}`]: 5 });
      const localNodePort = await dial(NODE_IP, 30082, 20);
      const externalIP = await dial('192.0.2.10', 80, 20);
      for (const r of [localNodePort, externalIP] as ConnectResult[]) {
        expect(r.byReply).toEqual({ [`10.244.24.1:${BACKEND_PORT}`]: 20 });
      }
    });

    it('rejects a Service without endpoints at once', async () => {
      const result = await dial('10.96.2.6', 80, 3, { timeoutMs: 1000 });
      expect(result.errors).toEqual({ ECONNREFUSED: 3 });
    });
  });
});
