// Every node's kube-proxy keeps its own IPVS scheduler state (spec/model.md §1): lc on one node does not
// see the connections other nodes opened. With K client nodes, K independent lc schedulers balance worse
// than one global lc (join-the-shortest-queue), yet far better than random placement.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { compactCluster, scenario } from '../helpers/scenario.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

function run(mode: 'ipvs' | 'nftables', clientNodes: string[]) {
  return simulate({
    scenario: scenario({
      cluster: compactCluster({ zones: { a: NODES }, endpointsPerNode: { n1: 20 } }),
      proxy: { mode, ipvs: { scheduler: 'lc' } },
      traffic: {
        seed: 9,
        duration: 3000,
        warmup: 600,
        clients: [{ name: 'clients', nodes: clientNodes, sourceIPs: 600 }],
        // 20 exp(1) servers at ρ = 0.9, one request per connection.
        workloads: [{ class: 'short', rate: 18, serviceTime: { dist: 'exponential', mean: 1 } }],
      },
      backends: { concurrency: 1 },
      calibration: { rtt: { sameNode: 0, crossNode: 0, crossZone: 0 }, nsPerRule: 0, lookupNs: 0 },
      replications: 3,
    }),
    maxEvents: 1e8,
  }).headline!.latencyMeanMs;
}

describe('per-node scheduler state', () => {
  it('K = 6 nodes each running lc balance worse than one global lc and better than random', () => {
    const global = run('ipvs', ['n1']);
    const perNode = run('ipvs', NODES);
    const random = run('nftables', NODES);
    // Mean time in system (ms): JSQ ≈ 1.2 s, random = 1/(1−ρ) = 10 s; six blind lc schedulers in between.
    expect(global.high).toBeLessThan(perNode.low);
    expect(perNode.high).toBeLessThan(random.low);
    expect(perNode.mean).toBeGreaterThan(global.mean * 1.1);
    expect(random.mean).toBeGreaterThan(perNode.mean * 2);
  });
});
