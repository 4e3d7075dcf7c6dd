// /v1/recommend runs the guide on every keystroke: on a 10 000-Service snapshot, trafficProfile +
// evaluateGuide + recommendation must cost well under three JSON.parse calls of the request body.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, generateSnapshot } from '../../bench/gen-snapshot.js';
import { evaluateGuide, recommendation } from '../../src/guide/index.js';
import { ingestCluster } from '../../src/scenario/ingest.js';
import { Scenario } from '../../src/scenario/schema.js';
import { resolveTarget } from '../../src/scenario/target.js';

/**
 * The request body /v1/recommend receives: a `kubectl get nodes,services,endpointslices -A -o json` List
 * of 10 000 Services and 100 000 endpoints on 1 000 nodes (bench/gen-snapshot.ts, the snapshot the
 * ingest benchmark uses) with a traffic profile.
 */
function bigBody(): string {
  const cluster = generateSnapshot(DEFAULT_SIZE) as {
    items: { kind: string; metadata: { name: string; namespace?: string }; spec?: { clusterIP?: string } }[];
  };
  const target = cluster.items.find((i) => i.kind === 'Service' && i.spec?.clusterIP !== 'None');
  if (target === undefined) throw new Error('no Service');
  return JSON.stringify({
    cluster,
    target: { service: `${target.metadata.namespace}/${target.metadata.name}` },
    requirements: { preserveSourceIP: true },
    traffic: {
      clients: [
        { name: 'web', kind: 'pod' },
        { name: 'internet', kind: 'external', via: 'nodePort' },
      ],
      workloads: [
        { class: 'short', client: 'web', rate: 800, serviceTime: { dist: 'lognormal', median: '5ms', p99: '40ms' } },
        { class: 'http2', client: 'web', connections: 12, streamRate: 400, serviceTime: '10ms' },
        {
          class: 'websocket',
          client: 'internet',
          rate: 5,
          duration: { dist: 'pareto', alpha: 1.2, mean: '5m' },
          messageRate: 0.01,
          serviceTime: '2ms',
        },
      ],
    },
  });
}

function fastest(runs: number, f: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('guide on a 10 000-Service snapshot', () => {
  it('costs well under three JSON.parse calls of the body: the first call under three, a warm one under one', () => {
    const body = bigBody();
    let raw: unknown;
    const parseMs = fastest(3, () => {
      raw = JSON.parse(body);
    });
    const scenario = Scenario.parse(raw);
    const cluster = ingestCluster(scenario.cluster);
    const target = resolveTarget(cluster, scenario.target);
    // The first call pays for JIT warm-up too: it is what a fresh worker answers with.
    const firstMs = fastest(1, () => {
      recommendation(evaluateGuide({ scenario, cluster, target }));
    });
    const guideMs = fastest(3, () => {
      recommendation(evaluateGuide({ scenario, cluster, target }));
    });
    const g = evaluateGuide({ scenario, cluster, target });
    expect(g.profile.snapshot.services).toBe(10_000);
    expect(g.profile.snapshot.endpoints).toBe(100_000);
    expect(g.rules.find((r) => r.id === 'G5')?.fired).toBe(true);
    expect(firstMs).toBeLessThan(3 * parseMs);
    expect(guideMs).toBeLessThan(parseMs);
  });
});
