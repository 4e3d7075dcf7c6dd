// Simulations run on worker threads: the event loop keeps answering /healthz while a what-if of 11
// candidates runs, and a client that disconnects cancels its run.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { compactCluster } from '../helpers/scenario.js';

let app: App;
let base: string;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 2 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = typeof addr === 'object' && addr !== null ? `http://127.0.0.1:${addr.port}` : '';
});
afterAll(async () => {
  const t0 = performance.now();
  await app.close();
  // Graceful close waits for in-flight requests: a cancelled run must not keep one alive.
  expect(performance.now() - t0).toBeLessThan(10_000);
});

const heavy = {
  cluster: compactCluster({ zones: { a: ['node-a', 'node-b'] }, endpointsPerNode: { 'node-a': 5, 'node-b': 5 } }),
  traffic: {
    duration: 120,
    workloads: [
      { class: 'short', rate: 2000, serviceTime: { dist: 'exponential', mean: '5ms' } },
      { class: 'websocket', rate: 10, duration: 30, messageRate: 2, serviceTime: '2ms' },
    ],
  },
  replications: 1,
};

describe('the event loop stays free', () => {
  it('/healthz answers within 50 ms p99 while an 11-candidate what-if runs', async () => {
    const whatif = fetch(`${base}/v1/whatif`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(heavy),
    });
    const latencies: number[] = [];
    let done = false;
    whatif.finally(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    while (!done && latencies.length < 400) {
      const t0 = performance.now();
      const r = await fetch(`${base}/healthz`);
      expect(r.status).toBe(200);
      await r.text();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
    const res = await whatif;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: unknown[] };
    expect(body.results).toHaveLength(11);
    expect(latencies.length).toBeGreaterThan(20);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.ceil(0.99 * latencies.length) - 1]!;
    expect(p99).toBeLessThan(50);
  });

  it('a client that disconnects cancels its run (the pool is free again at once)', async () => {
    const long = JSON.stringify({ ...heavy, traffic: { ...heavy.traffic, duration: 3000 } });
    const port = Number(new URL(base).port);
    // A raw request on its own socket, destroyed mid-run: what a curl user pressing Ctrl-C does.
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/simulate',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.end(long);
    await new Promise((r) => setTimeout(r, 500));
    req.destroy();
    // Both workers must be free soon: a small run completes quickly although the long one would take minutes.
    const t0 = performance.now();
    const small = await fetch(`${base}/v1/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...heavy, traffic: { ...heavy.traffic, duration: 2 } }),
    });
    expect(small.status).toBe(200);
    await small.text();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
