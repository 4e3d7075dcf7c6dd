import { describe, expect, it } from 'vitest';
import { categorizeEndpoints } from '../../src/dataplane/eligibility.js';
import {
  controllerHints,
  topologyAwareHints,
  trafficDistributionHints,
  withHints,
  zoneCpuRatios,
} from '../../src/dataplane/topology.js';
import type { Node, ServicePortEndpoint } from '../../src/scenario/cluster.js';
import { node, service, spe } from './fixtures.js';

/** One node per zone with the given allocatable CPU. */
function zones(cpus: Record<string, number>): Node[] {
  return Object.entries(cpus).map(([zone, cpu]) => node(`n-${zone}`, zone, cpu));
}

/** Ready endpoints, `counts[z]` of them in zone z, in zone order. */
function endpointsIn(counts: Record<string, number>): ServicePortEndpoint[] {
  const out: ServicePortEndpoint[] = [];
  for (const [zone, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++)
      out.push(spe(out.length, `10.0.${out.length >> 8}.${out.length & 255}`, `n-${zone}`, zone));
  }
  return out;
}

describe('topology-mode: Auto hint allocation (topologycache)', () => {
  // Equal CPU per zone → ratio 1/3, minimum = ceil(N/3 / 1.2), maximum = minimum + N − Σminimum.
  const equal3 = zones({ a: 4, b: 4, c: 4 });
  const table: {
    name: string;
    nodes: Node[];
    split: Record<string, number>;
    kept: boolean;
    reason?: string;
    assigned?: Record<string, number>;
    donated?: number;
  }[] = [
    // N=11: minimum ceil(3.056) = 4 per zone, Σ 12 > 11.
    {
      name: '[4,4,3] equal CPU',
      nodes: equal3,
      split: { a: 4, b: 4, c: 3 },
      kept: false,
      reason: 'MinAllocationExceedsOverloadThreshold',
    },
    // N=12: minimum ceil(3.333) = 4, Σ 12 = N, maximum 4: every endpoint stays in its zone.
    {
      name: '[4,4,4] equal CPU',
      nodes: equal3,
      split: { a: 4, b: 4, c: 4 },
      kept: true,
      assigned: { a: 4, b: 4, c: 4 },
      donated: 0,
    },
    // N=10: minimum 3, desired 3.33; zone a gives 1.67, c needs 1.33 → one endpoint a → c.
    {
      name: 'N=10 [5,3,2] equal CPU',
      nodes: equal3,
      split: { a: 5, b: 3, c: 2 },
      kept: true,
      assigned: { a: 4, b: 3, c: 3 },
      donated: 1,
    },
    // N=2 endpoints, 3 zones.
    {
      name: '3 zones, 2 endpoints',
      nodes: equal3,
      split: { a: 1, b: 1 },
      kept: false,
      reason: 'InsufficientNumberOfEndpoints',
    },
    // Zone a has half the CPU: desired 3 of 6, minimum ceil(2.5) = 3; b, c desired 1.5, minimum 2 → Σ 7 > 6.
    {
      name: 'CPU 2:1:1, N=6 [2,2,2]',
      nodes: zones({ a: 8, b: 4, c: 4 }),
      split: { a: 2, b: 2, c: 2 },
      kept: false,
      reason: 'MinAllocationExceedsOverloadThreshold',
    },
    // N=8: desired a 4, b/c 2; minimum a ceil(3.33)=4, b/c ceil(1.67)=2, Σ 8: a receives 2 from b and c.
    {
      name: 'CPU 2:1:1, N=8 [2,3,3]',
      nodes: zones({ a: 8, b: 4, c: 4 }),
      split: { a: 2, b: 3, c: 3 },
      kept: true,
      assigned: { a: 4, b: 2, c: 2 },
      donated: 2,
    },
    { name: 'one zone only', nodes: zones({ a: 4 }), split: { a: 3 }, kept: false, reason: 'InsufficientNodeInfo' },
  ];

  for (const row of table) {
    it(`${row.name}: hints ${row.kept ? 'kept' : `removed (${row.reason})`}`, () => {
      const result = topologyAwareHints(endpointsIn(row.split), row.nodes);
      expect(result.kept).toBe(row.kept);
      if (result.kept) {
        const assigned = Object.fromEntries(result.allocations.map((a) => [a.zone, a.assigned]));
        expect(assigned).toEqual(row.assigned);
        expect(result.donated).toBe(row.donated);
        // Every ready endpoint carries exactly one zone hint, and the hint counts match the allocation.
        const counted: Record<string, number> = {};
        for (const h of result.zoneHints) {
          expect(h).toHaveLength(1);
          const z = h?.[0] ?? '';
          counted[z] = (counted[z] ?? 0) + 1;
        }
        expect(counted).toEqual(row.assigned);
      } else {
        expect(result.removed).toBe(row.reason);
      }
    });
  }

  it('N=10 [5,3,2]: the first endpoint of zone a is the one re-hinted for zone c', () => {
    const result = topologyAwareHints(endpointsIn({ a: 5, b: 3, c: 2 }), equal3);
    expect(result.kept && result.zoneHints.map((h) => h?.[0])).toEqual([
      'c',
      'a',
      'a',
      'a',
      'a',
      'b',
      'b',
      'b',
      'c',
      'c',
    ]);
  });

  it('allocations follow allocatable CPU, minimum = ceil(ratio·N/1.2)', () => {
    const result = topologyAwareHints(endpointsIn({ a: 4, b: 4, c: 4 }), equal3);
    expect(result.kept).toBe(true);
    if (result.kept) {
      for (const a of result.allocations) {
        expect(a.cpuRatio).toBeCloseTo(1 / 3, 12);
        expect(a.minimum).toBe(4);
        expect(a.maximum).toBe(4);
        expect(a.desired).toBeCloseTo(4, 12);
      }
    }
  });

  it('counts only ready endpoints; not-ready ones get no hint', () => {
    const eps = endpointsIn({ a: 4, b: 4, c: 4 });
    eps.push(spe(12, '10.0.1.1', 'n-a', 'a', { conditions: { ready: false, serving: true, terminating: true } }));
    const result = topologyAwareHints(eps, equal3);
    expect(result.kept && result.zoneHints[12]).toBeNull();
  });

  it('removes hints when a ready endpoint has no zone, or a worker node has no zone or no CPU', () => {
    const noZone = [...endpointsIn({ a: 4, b: 4, c: 3 }), spe(11, '10.0.9.9', 'n-c', null)];
    expect(topologyAwareHints(noZone, equal3)).toMatchObject({ kept: false, removed: 'NoZoneSpecified' });
    const unlabelled = [...equal3, node('extra', null, 4)];
    expect(topologyAwareHints(endpointsIn({ a: 4, b: 4, c: 4 }), unlabelled)).toMatchObject({
      kept: false,
      removed: 'InsufficientNodeInfo',
    });
    const zeroCpu = [...equal3, node('extra', 'a', 0)];
    expect(topologyAwareHints(endpointsIn({ a: 4, b: 4, c: 4 }), zeroCpu)).toMatchObject({ kept: false });
  });

  it('skips control-plane and NotReady nodes when computing CPU ratios', () => {
    const nodes = [...equal3, node('cp', null, 8, { controlPlane: true }), node('down', 'a', 64, { ready: false })];
    const ratios = zoneCpuRatios(nodes);
    expect(ratios.ok && [...ratios.ratios.values()].map((r) => r.toFixed(4))).toEqual(['0.3333', '0.3333', '0.3333']);
  });

  it('kube-proxy then keeps same-zone endpoints on a node in zone c', () => {
    const eps = endpointsIn({ a: 5, b: 3, c: 2 });
    const result = topologyAwareHints(eps, equal3);
    const hinted = withHints(eps, { zoneHints: result.kept ? result.zoneHints : [], nodeHints: [] });
    const cat = categorizeEndpoints(hinted, service('web'), node('n-c', 'c'));
    expect(cat.topologyMode).toBe('PreferSameZone');
    expect(cat.clusterEndpoints).toEqual([0, 8, 9]);
  });
});

describe('trafficDistribution hints (trafficdist)', () => {
  const eps = [
    spe(0, '10.0.0.1', 'n1', 'a'),
    spe(1, '10.0.0.2', 'n2', 'b'),
    spe(2, '10.0.0.3', 'n3', 'b', {
      conditions: { ready: false, serving: false, terminating: false },
      zoneHints: ['x'],
    }),
  ];

  it('PreferClose hints every ready endpoint for its own zone, no overload check', () => {
    expect(trafficDistributionHints(eps, 'PreferClose')).toEqual({
      zoneHints: [['a'], ['b'], ['x']],
      nodeHints: [null, null, null],
    });
  });

  it("PreferSameNode adds a hint for the endpoint's node", () => {
    expect(trafficDistributionHints(eps, 'PreferSameNode').nodeHints).toEqual([['n1'], ['n2'], null]);
  });

  it('the topology annotation wins over trafficDistribution; neither strips hints', () => {
    const both = service('web', { topologyMode: 'Auto', trafficDistribution: 'PreferClose' });
    const threeZones = zones({ a: 4, b: 4, c: 4 });
    const byAnnotation = controllerHints(eps, both, threeZones);
    expect(byAnnotation.source).toBe('topologyMode');
    expect(byAnnotation.topology).toMatchObject({ kept: false, removed: 'InsufficientNumberOfEndpoints' });
    expect(byAnnotation.zoneHints).toEqual([null, null, null]);
    const byField = controllerHints(eps, service('web', { trafficDistribution: 'PreferClose' }), threeZones);
    expect(byField.source).toBe('trafficDistribution');
    expect(byField.zoneHints[0]).toEqual(['a']);
    const none = controllerHints(eps, service('web'), threeZones);
    expect(none.source).toBe('none');
    expect(none.zoneHints).toEqual([null, null, null]);
  });
});
