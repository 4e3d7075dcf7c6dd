// /v1/recommend runs the guide on every keystroke: on a 10 000-Service snapshot, trafficProfile +
// evaluateGuide + recommendation must cost well under three JSON.parse calls of the request body.
import { describe, expect, it } from 'vitest';
import { evaluateGuide, recommendation } from '../../src/guide/index.js';
import { ingestCluster } from '../../src/scenario/ingest.js';
import { Scenario } from '../../src/scenario/schema.js';
import { resolveTarget } from '../../src/scenario/target.js';

const ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];

/** 10 000 Services (every seventh with two ports), 100 000 endpoints on 1 000 nodes, compact form. */
function bigBody(): string {
  const nodes = Array.from({ length: 1000 }, (_, i) => ({
    name: `node-${i}`,
    zone: ZONES[i % 3],
    cpu: 8,
    kubeletVersion: 'v1.34.1',
  }));
  const services = [];
  const endpointSlices = [];
  for (let s = 0; s < 10_000; s++) {
    const two = s % 7 === 0;
    services.push({
      name: `svc-${s}`,
      namespace: `team-${s % 50}`,
      type: s % 5 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.96.${s >> 8}.${s & 255}`,
      ports: two ? [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9090 }] : [{ port: 80, targetPort: 8080 }],
    });
    endpointSlices.push({
      service: `team-${s % 50}/svc-${s}`,
      ...(two ? { ports: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }] } : {}),
      endpoints: Array.from({ length: 10 }, (_, e) => {
        const k = s * 10 + e;
        return { address: `10.${64 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`, node: `node-${(s * 7 + e * 13) % 1000}` };
      }),
    });
  }
  return JSON.stringify({
    cluster: { nodes, services, endpointSlices },
    target: { service: 'team-0/svc-0' },
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
  it('costs less than three JSON.parse calls of the body, first call included', () => {
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
    expect(g.profile.snapshot.servicePorts).toBe(10_000 + Math.ceil(10_000 / 7));
    expect(g.rules.find((r) => r.id === 'G5')?.fired).toBe(true);
    expect(firstMs).toBeLessThan(3 * parseMs);
    expect(guideMs).toBeLessThan(parseMs);
    console.log(`JSON.parse ${parseMs.toFixed(0)} ms (${(body.length / 1e6).toFixed(1)} MB); guide first call ${firstMs.toFixed(0)} ms, warm ${guideMs.toFixed(0)} ms`);
  });
});
