// Each check firing and not, on the current configuration and on the guide's choice, with the analytic
// figure (and the simulation's measurement when results are given) named in `because`.
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { check, fakeResult, guide, SHORT_UNIFORM, threeNodes } from './helpers.js';

const EPS = 1e-9;

function external(
  weights: number[],
  service: Record<string, unknown> = { type: 'NodePort' },
  extra: Partial<ScenarioInput> = {},
): ScenarioInput {
  return {
    cluster: threeNodes(service),
    ...extra,
    traffic: {
      clients: [
        { name: 'web', kind: 'pod' },
        { name: 'internet', kind: 'external', via: 'nodePort', nodes: ['node-a', 'node-b', 'node-c'], weights },
      ],
      workloads: [
        { ...SHORT_UNIFORM, client: 'web', rate: 600 },
        { ...SHORT_UNIFORM, client: 'internet', rate: 400 },
      ],
    },
  };
}

describe('C1: externalTrafficPolicy Local and receiving nodes without a local endpoint', () => {
  it('names the node without an endpoint and the share of external traffic it drops', () => {
    const g = guide(external([1, 1, 2], { type: 'NodePort', externalTrafficPolicy: 'Local' }));
    const c = check(g, 'C1');
    expect(c.fired).toBe(true);
    expect(c.severity).toBe('critical');
    expect(c.appliesTo).toEqual(['current', 'choice']);
    expect(c.because).toContain(
      'C1 fired: node-c (50 % of external connections) receives external traffic but has no local endpoint of default/web, so under externalTrafficPolicy: Local it drops 50 % of the external connections (20 % of all)',
    );
    expect(c.details.nodes).toEqual([{ node: 'node-c', shareOfExternal: 0.5 }]);
  });

  it('does not fire when the node without an endpoint gets no traffic (weight 0), and fires at any weight above', () => {
    const none = check(guide(external([1, 1, 0], { type: 'NodePort', externalTrafficPolicy: 'Local' })), 'C1');
    expect(none.fired).toBe(false);
    expect(none.because).toBe(
      'C1 did not fire: every node that receives external traffic (node-a, node-b) has a local endpoint of default/web',
    );
    const tiny = check(guide(external([1, 1, 1e-6], { type: 'NodePort', externalTrafficPolicy: 'Local' })), 'C1');
    expect(tiny.fired).toBe(true);
    expect(tiny.because).toContain('node-c (< 0.001 % of external connections)');
  });

  it('quotes the simulation’s noLocalEndpoint drops', () => {
    const run = fakeResult(
      { mode: 'iptables', externalTrafficPolicy: 'Local' },
      {
        dropped: { noLocalEndpoint: 2000 },
        nodes: [{ node: 'node-c', newConnections: 2000, dropped: 2000, conntrackPeakEntries: 0 }],
      },
    );
    const c = check(
      guide(external([1, 1, 2], { type: 'NodePort', externalTrafficPolicy: 'Local' }), { results: [run] }),
      'C1',
    );
    expect(c.because).toContain('the simulation dropped 2 000 of 10 000 new connections (noLocalEndpoint)');
    expect(c.details.measured).toEqual({ dropped: 2000, newConnections: 10_000, nodes: ['node-c'] });
  });

  it('does not fire under externalTrafficPolicy Cluster, or for a ClusterIP Service', () => {
    expect(check(guide(external([1, 1, 1])), 'C1').because).toBe(
      'C1 did not fire: externalTrafficPolicy is Cluster: every node forwards external traffic to any endpoint',
    );
    const clusterIP = guide({
      cluster: threeNodes(),
      requirements: { preserveSourceIP: true },
      traffic: { workloads: [SHORT_UNIFORM] },
    });
    expect(check(clusterIP, 'C1').because).toContain(
      'default/web is a ClusterIP Service: externalTrafficPolicy only applies to NodePort and LoadBalancer Services',
    );
  });
});

describe('C2: externalTrafficPolicy Cluster loses the source IP to SNAT', () => {
  it('reports the masqueraded share, and the simulation’s snatShare', () => {
    const g = guide(external([1, 1, 1]), { results: [fakeResult({ mode: 'iptables' }, { snatShare: 0.4 })] });
    const c = check(g, 'C2');
    expect(c.fired).toBe(true);
    expect(c.severity).toBe('info');
    expect(c.because).toContain('the external connections of internet (40 % of all) are masqueraded');
    expect(c.because).toContain('the simulation measured snatShare 40 %');
  });

  it('applies to the current configuration only when G6 moves the choice to Local, as a warning', () => {
    const c = check(
      guide(external([1, 1, 1], { type: 'NodePort' }, { requirements: { preserveSourceIP: true } })),
      'C2',
    );
    expect(c.appliesTo).toEqual(['current']);
    expect(c.severity).toBe('warning');
    expect(c.because).toContain('The guide’s choice (iptables mode with externalTrafficPolicy: Local) avoids it');
  });

  it('does not fire without external clients', () => {
    const c = check(guide({ cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } }), 'C2');
    expect(c.fired).toBe(false);
    expect(c.because).toContain('no external client group reaches default/web');
  });
});

describe('C3: iptables mode with many Services or endpoints', () => {
  const s: ScenarioInput = { cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } };

  it('fires at the Service-port threshold with the first-packet cost, and not one below it', () => {
    const c = check(guide(s, { thresholds: { servicePorts: 1 } }), 'C3');
    expect(c.fired).toBe(true);
    expect(c.appliesTo).toEqual(['current']);
    expect(c.because).toMatch(
      /a new connection’s first packet traverses about \d+ rules, [\d.]+ (ns|µs) at 20 ns per rule/,
    );
    expect(c.details.lookupNs).toBe(1500);
    const not = check(guide(s, { thresholds: { servicePorts: 2 } }), 'C3');
    expect(not.fired).toBe(false);
    expect(not.because).toBe(
      'C3 did not fire: iptables mode with 1 Service port and 2 endpoints (thresholds ≥ 2 and ≥ 10 000)',
    );
  });

  it('quotes the rules the simulation counted', () => {
    const c = check(
      guide(s, { thresholds: { endpoints: 2 }, results: [fakeResult({ mode: 'iptables' }, { rules: 6012 })] }),
      'C3',
    );
    expect(c.because).toContain('the simulation measured 6 012 rules (p99 12 024), 120 µs per new connection');
  });

  it('does not fire in ipvs or nftables mode', () => {
    const c = check(guide({ ...s, proxy: { mode: 'nftables' } }, { thresholds: { servicePorts: 1 } }), 'C3');
    expect(c.fired).toBe(false);
  });
});

describe('C4: long HTTP/2 or WebSocket connections under rr', () => {
  const ws = (proxy: ScenarioInput['proxy'] = {}): ScenarioInput => ({
    cluster: threeNodes(),
    proxy,
    traffic: {
      workloads: [
        SHORT_UNIFORM,
        { class: 'websocket', rate: 1, duration: { dist: 'exponential', mean: '20s' }, serviceTime: '1ms' },
      ],
    },
  });

  it('fires at the long-share threshold for a balancer that ignores open connections', () => {
    const share = guide(ws({ mode: 'ipvs', ipvs: { scheduler: 'rr' } })).profile.longStreamingSecondsShare;
    const g = guide(ws({ mode: 'ipvs', ipvs: { scheduler: 'rr' } }), {
      thresholds: { longConnectionSecondsShare: share },
    });
    const c = check(g, 'C4');
    expect(c.fired).toBe(true);
    expect(c.appliesTo).toEqual(['current']);
    expect(c.because).toContain('and IPVS rr ignores how many are open on each endpoint');
    const above = check(
      guide(ws({ mode: 'ipvs', ipvs: { scheduler: 'rr' } }), {
        thresholds: { longConnectionSecondsShare: share + EPS },
      }),
      'C4',
    );
    expect(above.fired).toBe(false);
  });

  it('quotes the imbalance the simulation measured under rr next to lc', () => {
    const results = [
      fakeResult(
        { mode: 'ipvs', scheduler: 'rr' },
        { p99: 58, maxOverMeanConnectionSeconds: 2.4, maxOverMeanRequests: 1.6 },
      ),
      fakeResult({ mode: 'ipvs', scheduler: 'lc' }, { p99: 31, maxOverMeanConnectionSeconds: 1.1 }),
    ];
    const c = check(guide(ws({ mode: 'ipvs', ipvs: { scheduler: 'rr' } }), { results }), 'C4');
    expect(c.because).toContain(
      'the simulation’s busiest endpoint held 2.4× the mean connection-seconds and 1.6× the mean requests (ipvs/lc: 1.1×, p99 31 ms vs 58 ms)',
    );
  });

  it('does not fire under lc', () => {
    const c = check(guide(ws({ mode: 'ipvs', ipvs: { scheduler: 'lc' } })), 'C4');
    expect(c.fired).toBe(false);
    expect(c.because).toContain('IPVS lc picks by open connections');
  });
});

describe('C5: topology-aware routing', () => {
  it('trafficDistribution PreferClose keeps the hints: no connection crosses zones, 50 % would without', () => {
    const c = check(
      guide(
        { cluster: threeNodes({ trafficDistribution: 'PreferClose' }), traffic: { workloads: [SHORT_UNIFORM] } },
        {
          results: [fakeResult({ mode: 'iptables', trafficDistribution: 'PreferClose' }, { crossZoneShare: 0.01 })],
        },
      ),
      'C5',
    );
    expect(c.fired).toBe(true);
    expect(c.severity).toBe('info');
    expect(c.because).toBe(
      'C5 fired: trafficDistribution: PreferClose on default/web: the hints would be kept (0 % of connections cross zones, 50 % without hints); the simulation measured 1 % crossing zones',
    );
  });

  it('topology-mode Auto with 4/4/3 endpoints in three equal zones: hints removed', () => {
    const zones = ['z1', 'z2', 'z3'];
    const nodes = zones.map((z) => ({ name: `node-${z}`, zone: z, cpu: 4 }));
    const counts = [4, 4, 3];
    const endpoints = counts.flatMap((n, zi) =>
      Array.from({ length: n }, (_, i) => ({ address: `10.244.${zi}.${i + 10}`, node: `node-${zones[zi]}` })),
    );
    const c = check(
      guide({
        cluster: {
          nodes,
          services: [{ name: 'web', topologyMode: 'Auto', ports: [{ port: 80 }] }],
          endpointSlices: [{ service: 'web', endpoints }],
        },
        traffic: { workloads: [SHORT_UNIFORM] },
      }),
      'C5',
    );
    expect(c.fired).toBe(true);
    expect(c.severity).toBe('warning');
    expect(c.because).toContain(
      'service.kubernetes.io/topology-mode: Auto on default/web: the hints would be removed (MinAllocationExceedsOverloadThreshold: 11 endpoints, 3 zones)',
    );
    // Without hints a node picks among all 11: 7 of them in other zones for z1 and z2, 8 for z3; the
    // default 100 client pods spread 34/33/33 over the three nodes.
    expect(c.details.crossZoneShare).toBeCloseTo((34 * 7 + 33 * 7 + 33 * 8) / 11 / 100, 12);
  });

  it('does not fire when nothing asks for it, and still says how much crosses zones', () => {
    const c = check(guide({ cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } }), 'C5');
    expect(c.fired).toBe(false);
    expect(c.because).toBe(
      'C5 did not fire: default/web asks for no topology-aware routing (no trafficDistribution, no topology annotation); across 2 zones, 50 % of connections cross zones',
    );
  });
});

describe('C6: hairpin', () => {
  const peers: ScenarioInput = {
    cluster: threeNodes(),
    traffic: { clients: [{ name: 'peers', kind: 'pod', fromEndpoints: true }], workloads: [SHORT_UNIFORM] },
  };

  it('a Service’s own two pods calling it land on themselves half the time', () => {
    const c = check(guide(peers, { results: [fakeResult({ mode: 'iptables' }, { hairpinShare: 0.49 })] }), 'C6');
    expect(c.fired).toBe(true);
    expect(c.details.hairpinShare).toBeCloseTo(0.5, 12);
    expect(c.because).toContain(
      'C6 fired: 50 % of connections are hairpin (group peers calls the Service from its own endpoints',
    );
    expect(c.because).toContain('the simulation measured up to 49 %');
    expect(c.because).toContain('--hairpin-mode');
  });

  it('does not fire when no client is an endpoint of the Service', () => {
    expect(check(guide({ cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } }), 'C6').fired).toBe(false);
  });
});

describe('C7: conntrack close to nf_conntrack_max', () => {
  // 4-CPU nodes: max(32768 × 4, 131072) = 131072 entries. 2000 connections/s from 100 client pods, 34 of
  // them on node-a, each connection open 5.2 ms and then 120 s in TIME_WAIT: about 81 600 entries there.
  const busy: ScenarioInput = {
    cluster: threeNodes(),
    traffic: { duration: 300, workloads: [{ ...SHORT_UNIFORM, rate: 2000 }] },
  };

  it('fires at the fill threshold, naming the node, entries and table size', () => {
    const worst = check(guide(busy), 'C7').details.worst as {
      node: string;
      entries: number;
      max: number;
      fill: number;
    };
    expect(worst.max).toBe(131_072);
    expect(worst.node).toBe('node-a');
    expect(worst.entries).toBeCloseTo(2000 * 0.34 * (120 + 0.0052), 6);
    const at = check(guide(busy, { thresholds: { conntrackFill: worst.fill } }), 'C7');
    expect(at.fired).toBe(true);
    expect(at.severity).toBe('warning');
    expect(at.because).toContain(
      'C7 fired: the busiest deciding node, node-a, would hold about 81 604 conntrack entries (open connections plus 120 s of TIME_WAIT) of nf_conntrack_max 131 072: 62.3 %',
    );
    expect(check(guide(busy, { thresholds: { conntrackFill: worst.fill + EPS } }), 'C7').fired).toBe(false);
  });

  it('is critical when the simulation dropped connections on a full table', () => {
    const run = fakeResult({ mode: 'iptables' }, { conntrackPeakEntries: 131_072, dropped: { conntrackFull: 1234 } });
    const c = check(guide(busy, { results: [run] }), 'C7');
    expect(c.fired).toBe(true);
    expect(c.severity).toBe('critical');
    expect(c.because).toContain(
      'the simulation peaked at 131 072 of 131 072 (100 %) and dropped 1 234 new connections (conntrackFull)',
    );
  });
});
