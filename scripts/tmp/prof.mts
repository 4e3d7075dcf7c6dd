import { simulate } from '../../src/sim/index.js';
import { Scenario } from '../../src/scenario/schema.js';
import { benchScenario } from '../../bench/simulate.js';
const s = Scenario.parse(benchScenario(process.argv[2] ?? 'iptables', 'lc'));
for (let i = 0; i < 4; i++) { const t0 = performance.now(); const r = simulate({ scenario: s, maxEvents: 1e9 }); console.log(r.meta.events, (performance.now()-t0).toFixed(0), r.meta.wallMs); }
