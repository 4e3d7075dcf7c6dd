import { simulate } from '../../src/sim/index.js';
import { compactCluster, scenario } from '../../test/helpers/scenario.js';
for (const [mode, s] of [['nftables','rr'],['iptables','rr'],['ipvs','rr'],['ipvs','lc']] as const) {
  const r = simulate({ scenario: scenario({ cluster: compactCluster({ endpoints: 100 }), proxy: { mode, ipvs: { scheduler: s } },
    traffic: { seed: 7, duration: 5000, warmup: 1000, clients: [{ name: 'one', nodes: ['node-a'], sourceIPs: 1000 }],
      workloads: [{ class: 'short', rate: 90, serviceTime: { dist: 'exponential', mean: 1 } }] },
    backends: { concurrency: 1 }, calibration: { rtt: { sameNode: 0, crossNode: 0, crossZone: 0 }, nsPerRule: 0, lookupNs: 0 }, replications: 4 }), maxEvents: 1e8 });
  console.log(mode, s, r.headline!.latencyMeanMs.mean, r.headline!.latencyMeanMs.halfWidth, r.meta.events, r.meta.wallMs, (r.meta.events/r.meta.wallMs*1000).toFixed(0));
}
