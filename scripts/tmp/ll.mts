import { simulate } from '../../src/sim/index.js';
import { compactCluster, scenario } from '../../test/helpers/scenario.js';
for (const s of ['rr','lc'] as const) {
  const r = simulate({ scenario: scenario({ cluster: compactCluster({ endpoints: 10 }), proxy: { mode: 'ipvs', ipvs: { scheduler: s } },
      traffic: { seed: 11, duration: 1800, warmup: 600, clients: [{ name: 'gateway', nodes: ['node-a'], sourceIPs: 500 }],
        workloads: [
          { class: 'websocket', rate: 0.5, duration: { dist: 'pareto', alpha: 1.5, mean: 120 }, messageRate: 2, serviceTime: '20ms' },
          { class: 'http2', connections: 20, lifetime: { dist: 'lognormal', median: 60, p99: 1800 }, streamRate: 100, serviceTime: '10ms' },
        ] }, backends: { concurrency: 8 }, replications: 4 }), maxEvents: 1e8 });
  console.log(s, JSON.stringify(r.headline!.maxOverMeanConnectionSeconds), JSON.stringify(r.distribution), r.endpoints.map(e=>e.meanActiveConnections.toFixed(1)).join(' '), r.endpoints.map(e=>e.peakActiveConnections).join(' '));
}
