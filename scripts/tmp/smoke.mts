import { buildApp } from '../../src/api/app.js';
const app = await buildApp({ logLevel: false, workers: 2 });
const nodes = ['a1','a2','b1','b2','c1','c2'].map((n, i) => ({ name: `node-${n}`, zone: `zone-${n[0]}`, cpu: 4, ip: `10.0.0.${i+1}` }));
const eps = Array.from({ length: 30 }, (_, i) => ({ address: `10.244.${i % 6}.${10 + i}`, node: nodes[i % 6].name }));
const body = {
  cluster: { nodes, services: [{ name: 'demo', clusterIP: '10.96.0.10', type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] }],
    endpointSlices: [{ service: 'demo', endpoints: eps }] },
  proxy: { mode: process.argv[2] ?? 'iptables', ipvs: { scheduler: process.argv[3] ?? 'rr' } },
  traffic: { seed: 42, duration: 60, workloads: [
    { class: 'short', rate: 1000, serviceTime: { dist: 'exponential', mean: '10ms' } },
    { class: 'http2', connections: 200, streamRate: 2000, serviceTime: { dist: 'exponential', mean: '5ms' } },
    { class: 'websocket', rate: 40, duration: { dist: 'exponential', mean: 50 }, messageRate: 1, serviceTime: '2ms' },
  ] },
};
const t0 = performance.now();
const r = await app.inject({ method: 'POST', url: '/v1/simulate', payload: body });
console.log(r.statusCode, (performance.now() - t0).toFixed(0), 'ms');
const j = r.json();
if (r.statusCode !== 200) console.log(JSON.stringify(j, null, 1).slice(0, 3000));
else { console.log(JSON.stringify({ ...j, endpoints: j.endpoints.slice(0, 3) }, null, 1).slice(0, 6000)); console.log(j.meta.events / (j.meta.wallMs/1000)); }
await app.close();
