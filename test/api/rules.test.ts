// POST /v1/rules through the API: the three renderings, the node's own view, and ipvsadm counters filled
// from a simulation of the body's traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { compactCluster } from '../helpers/scenario.js';

let app: App;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 1 });
});
afterAll(() => app.close());

const cluster = compactCluster({ zones: { a: ['node-a', 'node-b'] }, endpointsPerNode: { 'node-a': 2, 'node-b': 1 } });

describe('POST /v1/rules', () => {
  it('renders iptables-save, nft and ipvsadm text for the node', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/rules', payload: { cluster, node: 'node-a' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.node).toBe('node-a');
    // kube-proxy's chain name for default/demo:http + tcp, and the 3-endpoint cascade's first probability.
    expect(body.iptables.text).toMatch(/-A KUBE-SERVICES .*-d 10\.96\.0\.10 --dport 80 -j KUBE-SVC-[A-Z2-7]{16}/);
    expect(body.iptables.text).toContain('--probability 0.3333333333');
    expect(body.nftables.text).toContain('numgen random mod 3 vmap');
    expect(body.ipvs.text).toContain('TCP  10.96.0.10:80 rr');
    expect(body.iptables.counts.rules.nat).toBeGreaterThan(0);
  });

  it('fills ActiveConn / InActConn / Conns from a simulation of the traffic (IPVS lc)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/rules',
      payload: {
        cluster,
        node: 'node-a',
        renderings: ['ipvs'],
        proxy: { ipvs: { scheduler: 'lc' } },
        simulation: {
          traffic: {
            duration: 30,
            clients: [{ name: 'web', nodes: ['node-a'], sourceIPs: 50 }],
            workloads: [
              { class: 'websocket', client: 'web', rate: 3, duration: 600, messageRate: 0.1, serviceTime: '2ms' },
              { class: 'short', client: 'web', rate: 20, serviceTime: '5ms' },
            ],
          },
        },
      },
    });
    expect(res.statusCode).toBe(200);
    const { text, statsText } = res.json().ipvs;
    expect(text).toContain('TCP  10.96.0.10:80 lc');
    // ~90 WebSocket sessions stay open (ActiveConn) and lc spreads them evenly over the 3 real servers; the
    // short connections closed in the last 120 s linger as InActConn.
    const rows = [...text.matchAll(/-> (\S+)\s+Masq\s+1\s+(\d+)\s+(\d+)/g)].map((m) => ({
      active: Number(m[2]),
      inactive: Number(m[3]),
    }));
    expect(rows).toHaveLength(3);
    const active = rows.map((r) => r.active);
    expect(active.reduce((a, b) => a + b, 0)).toBeGreaterThan(60);
    expect(Math.max(...active) - Math.min(...active)).toBeLessThanOrEqual(2);
    expect(rows.every((r) => r.inactive > 100)).toBe(true);
    const conns = [...statsText.matchAll(/-> \S+\s+(\d+)/g)].map((m) => Number(m[1]));
    expect(conns.reduce((a, b) => a + b, 0)).toBeGreaterThan(600);
  });

  it('names an unknown node with what exists', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/rules', payload: { cluster, node: 'node-z' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toEqual({ path: 'node', message: expect.stringContaining('"node-a"') });
  });
});
