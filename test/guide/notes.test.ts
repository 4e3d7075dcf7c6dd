// What the answer adds beyond the source document: IPVS's deprecation against the cluster's version,
// nftables, kube-proxy's weight 1, per-node scheduler state and stickiness, IPVS idle expiry.
import { describe, expect, it } from 'vitest';
import type { GuideNote } from '../../src/guide/index.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { fakeResult, guide, SHORT_UNIFORM, threeNodes } from './helpers.js';

const WS = { class: 'websocket', rate: 1, duration: { dist: 'exponential', mean: '2m' }, serviceTime: '1ms' } as const;

function withVersion(version: string): ScenarioInput {
  const cluster = threeNodes();
  return {
    cluster: { ...cluster, nodes: cluster.nodes.map((n) => ({ ...n, kubeletVersion: version })) },
    traffic: { workloads: [WS] },
  };
}

function note(notes: readonly GuideNote[], id: GuideNote['id']): GuideNote | undefined {
  return notes.find((n) => n.id === id);
}

describe('IPVS deprecation (KEP-5495) against the nodes’ version', () => {
  const cases: [string, string, string][] = [
    ['v1.33.2', 'supported', 'IPVS mode is still fully supported there.'],
    ['v1.35.1', 'deprecated', 'IPVS mode works but kube-proxy logs the deprecation warning.'],
    ['v1.38.0', 'gated', 'IPVS mode works while the KubeProxyIPVS gate stays on (its default there).'],
    ['v1.41.3', 'gated-off', 'by the plan IPVS mode needs --feature-gates=KubeProxyIPVS=true there.'],
  ];
  for (const [version, status, says] of cases)
    it(`${version}: ${status}`, () => {
      const g = guide(withVersion(version));
      expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'lc' });
      const n = note(g.notes, 'ipvs-deprecated');
      expect(n?.severity).toBe('warning');
      expect(n?.details.status).toBe(status);
      expect(n?.message).toContain(`The cluster runs ${version}: ${says}`);
      expect(n?.message).toContain(
        'Alternative: nftables gives the same O(1) lookup but no least-connection scheduling',
      );
    });

  it('v1.43: IPVS is gone, nftables takes its place and the answer says what is lost', () => {
    const g = guide(withVersion('v1.43.0'));
    expect(g.choice).toMatchObject({ mode: 'nftables', scheduler: null });
    expect(g.rationale).toContain(
      'IPVS mode no longer exists in the cluster’s v1.43.0 (removal planned for v1.43), so nftables takes its place: the same O(1) lookup, random balancing.',
    );
    expect(note(g.notes, 'ipvs-deprecated')?.message).toMatch(
      /^The rules ask for IPVS mode, but .* nftables stands in/,
    );
  });

  it('no note when the answer does not recommend IPVS; unknown versions are said to be unknown', () => {
    expect(
      note(guide({ cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } }).notes, 'ipvs-deprecated'),
    ).toBeUndefined();
    const cluster = threeNodes();
    const unknown = guide({
      cluster: { ...cluster, nodes: cluster.nodes.map(({ kubeletVersion: _, ...n }) => n) },
      traffic: { workloads: [WS] },
    });
    expect(note(unknown.notes, 'ipvs-deprecated')?.message).toContain('The snapshot has no node versions');
  });
});

describe('nftables next to IPVS when G5 fires', () => {
  it('names nftables and which mode the simulation favours', () => {
    const results = [
      fakeResult({ mode: 'iptables' }, { p99: 9 }),
      fakeResult({ mode: 'nftables' }, { p99: 6.1 }),
      fakeResult({ mode: 'ipvs', scheduler: 'rr' }, { p99: 6.4 }),
    ];
    const g = guide(
      { cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } },
      { thresholds: { servicePorts: 1 }, results },
    );
    const n = note(g.notes, 'nftables-alternative');
    expect(n?.message).toContain('nftables mode is GA in the cluster’s v1.33.2');
    expect(n?.message).toContain(
      'Simulated p99: nftables 6.1 ms, ipvs/rr 6.4 ms, iptables 9 ms; the simulation favours nftables.',
    );
  });
});

describe('kube-proxy’s weight 1', () => {
  it('says wlc ≡ lc when no override gives weights', () => {
    const n = note(guide(withVersion('v1.33.2')).notes, 'ipvs-weights');
    expect(n?.message).toContain('so wrr ≡ rr and wlc ≡ lc: lc behaves exactly as wlc.');
  });

  it('with override weights: wlc honours them, and kube-proxy resets them on restart', () => {
    const g = guide({ ...withVersion('v1.33.2'), backends: { overrides: [{ endpoint: 'web-b', weight: 4 }] } });
    expect(g.choice.scheduler).toBe('wlc');
    const n = note(g.notes, 'ipvs-weights');
    expect(n?.message).toContain(
      'backends.overrides give endpoints other weights than 1 (web-b: 4), which wlc honours.',
    );
    expect(n?.message).toContain('resets other weights when it restarts');
  });
});

describe('per-node scheduler state', () => {
  it('counts the deciding nodes and quotes the simulation’s lc against rr', () => {
    const results = [
      fakeResult({ mode: 'ipvs', scheduler: 'lc' }, { p99: 31, maxOverMeanConnectionSeconds: 1.3 }),
      fakeResult({ mode: 'ipvs', scheduler: 'rr' }, { p99: 33, maxOverMeanConnectionSeconds: 1.4 }),
    ];
    const g = guide(withVersion('v1.33.2'), { results });
    const n = note(g.notes, 'per-node-state');
    // 100 client pods spread 34/33/33 over the three nodes.
    expect(n?.message).toContain(
      'lc on one node does not see the connections the other 2 deciding nodes opened. With 3 nodes deciding (the busiest, node-a, 34 % of new connections)',
    );
    expect(n?.message).toContain(
      'Simulated: lc p99 31 ms vs rr 33 ms; busiest endpoint 1.3× vs 1.4× the mean connection-seconds.',
    );
  });

  it('is not said when a single node decides', () => {
    const g = guide({
      ...withVersion('v1.33.2'),
      traffic: { clients: [{ name: 'one', nodes: ['node-a'] }], workloads: [WS] },
    });
    expect(note(g.notes, 'per-node-state')).toBeUndefined();
  });
});

describe('per-node stickiness', () => {
  it('warns that external clients entering through several nodes are not sticky', () => {
    const g = guide({
      cluster: threeNodes({ type: 'NodePort' }),
      requirements: { stickySessions: true },
      traffic: {
        clients: [{ name: 'internet', kind: 'external', via: 'nodePort' }],
        workloads: [SHORT_UNIFORM],
      },
    });
    expect(g.choice.sessionAffinity).toBe('ClientIP');
    const n = note(g.notes, 'per-node-stickiness');
    expect(n?.severity).toBe('warning');
    expect(n?.message).toContain('every node’s kube-proxy keeps its own ClientIP affinity tables');
    expect(n?.message).toContain('(internet over 3 nodes)');
  });
});

describe('IPVS expiring idle WebSocket sessions', () => {
  const idle = (messageRate: number): ScenarioInput => ({
    cluster: threeNodes(),
    proxy: { mode: 'ipvs' },
    traffic: {
      workloads: [
        {
          class: 'websocket',
          rate: 1,
          duration: { dist: 'exponential', mean: '20m' },
          messageRate,
          serviceTime: '1ms',
        },
      ],
    },
  });

  it('warns with the gap probability and expected expiries', () => {
    const g = guide(idle(0.001), { results: [fakeResult({ mode: 'ipvs', scheduler: 'lc' }, { ipvsIdleExpired: 7 })] });
    const n = note(g.notes, 'ipvs-idle-timeout');
    expect(n?.severity).toBe('warning');
    // e^(−0.75) of sessions outlive 900 s; a gap exceeds it with e^(−0.9); expiries e^(−1.65) × 2.2.
    expect(n?.message).toContain(
      'websocket-0: 47.2 % of sessions outlive 900 s, a gap between its 0.001/s messages exceeds it with probability 40.7 %, about 0.42 expiries per session',
    );
    expect(n?.message).toContain('the simulation saw up to 7 connections expired idle');
  });

  it('stays quiet when messages keep the sessions busy', () => {
    expect(note(guide(idle(1)).notes, 'ipvs-idle-timeout')).toBeUndefined();
  });
});
