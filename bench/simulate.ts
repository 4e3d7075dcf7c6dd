// Benchmark of one simulation (issue: "One simulation end to end"): 60 s of 1 000 req/s short traffic,
// 200 HTTP/2 connections at 2 000 streams/s, WebSocket sessions at 40/s lasting 50 s on average (about
// 2 000 open) with 1 message/s each, over 30 endpoints on 6 nodes; beside ref-mmc.cpp in the same minute.
// Usage: npx tsx bench/simulate.ts [mode] [scheduler]   → one JSON line.

import { Scenario, type ScenarioInput } from '../src/scenario/schema.js';
import { simulate } from '../src/sim/index.js';
import { runRef } from './lib/ref.js';

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

const isMain = import.meta.url === `file://${process.argv[1]}` && !process.env.N;
if (isMain) {
  const [mode = 'ipvs', scheduler = 'lc'] = process.argv.slice(2);
  const scenario = Scenario.parse(benchScenario(mode, scheduler));
  // Three warm-up runs let V8 optimise the hot loop; the median of five measured runs is reported.
  for (let i = 0; i < 3; i++) simulate({ scenario, maxEvents: 1e9 });
  const times: number[] = [];
  let result = simulate({ scenario, maxEvents: 1e9 });
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    result = simulate({ scenario, maxEvents: 1e9 });
    times.push((performance.now() - t0) / 1000);
  }
  const seconds = times.sort((a, b) => a - b)[2] as number;
  const ref = runRef(['2000000', '8', '7.2', '1', '42']);
  const eventsPerSec = result.meta.events / seconds;
  console.log(
    JSON.stringify({
      bench: 'simulate',
      mode,
      scheduler: mode === 'ipvs' ? scheduler : null,
      events: result.meta.events,
      wallSeconds: Number(seconds.toFixed(3)),
      eventsPerSec: Math.round(eventsPerSec),
      meanOpenConnections: Math.round(result.endpoints.reduce((a, e) => a + e.meanActiveConnections, 0)),
      refEventsPerSec: ref?.eventsPerSec ?? null,
      ratio: ref === null ? null : Number((eventsPerSec / ref.eventsPerSec).toFixed(3)),
    }),
  );
}
