// The benchmark scenario ("One simulation end to end"), shared by bench/simulate.ts and bench/whatif.ts.

import type { ScenarioInput } from '../../src/scenario/schema.js';

/**
 * 60 s of 1 000 req/s short traffic, 200 HTTP/2 connections at 2 000 streams/s, WebSocket sessions at 40/s
 * lasting 50 s on average (about 2 000 open) with 1 message/s each, over 30 endpoints on 6 nodes.
 */
export function benchScenario(mode = 'ipvs', scheduler = 'lc'): ScenarioInput {
  const nodes = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'].map((n, i) => ({
    name: `node-${n}`,
    zone: `zone-${n[0]}`,
    cpu: 8,
    ip: `10.0.0.${i + 1}`,
  }));
  const endpoints = Array.from({ length: 30 }, (_, i) => ({
    address: `10.244.${i % 6}.${10 + i}`,
    node: nodes[i % 6]!.name,
  }));
  return {
    cluster: {
      nodes,
      services: [{ name: 'demo', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }],
      endpointSlices: [{ service: 'demo', endpoints }],
    },
    proxy: { mode: mode as 'ipvs', ipvs: { scheduler: scheduler as 'lc' } },
    traffic: {
      seed: 42,
      duration: 60,
      workloads: [
        { class: 'short', rate: 1000, serviceTime: { dist: 'lognormal', median: '5ms', p99: '40ms' } },
        { class: 'http2', connections: 200, streamRate: 2000, serviceTime: { dist: 'exponential', mean: '5ms' } },
        {
          class: 'websocket',
          rate: 40,
          duration: { dist: 'exponential', mean: 50 },
          messageRate: 1,
          serviceTime: '2ms',
        },
      ],
    },
  };
}
