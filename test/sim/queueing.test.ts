// The supermarket model (Mitzenmacher 2001): n FIFO exp(1) servers, Poisson arrivals at ρ = 0.9, one request
// per connection, one client node, no network delay. kube-proxy's modes map to the classic policies:
// nftables (numgen random) and iptables (the statistic cascade) place uniformly at random — n independent
// M/M/1 queues, mean time in system 1/(1−ρ) = 10; IPVS rr from one node deals arrivals in turn — each server
// sees Erlang-n interarrival times (E_n/M/1, ≈ D/M/1 at n = 100); IPVS lc from one node joins the queue with
// the fewest connections (JSQ), close to 1. Tolerances come from the run's own replication intervals.
import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../src/engine/stats.js';
import { simulate } from '../../src/sim/index.js';
import { compactCluster, scenario } from '../helpers/scenario.js';

const N = 100;
const RHO = 0.9;

function supermarket(mode: 'iptables' | 'nftables' | 'ipvs', scheduler = 'rr') {
  return simulate({
    scenario: scenario({
      cluster: compactCluster({ endpoints: N }),
      proxy: { mode, ipvs: { scheduler: scheduler as 'rr' } },
      traffic: {
        seed: 7,
        duration: 5000,
        warmup: 1000,
        clients: [{ name: 'one-node', nodes: ['node-a'], sourceIPs: 1000 }],
        workloads: [{ class: 'short', rate: RHO * N, serviceTime: { dist: 'exponential', mean: 1 } }],
      },
      backends: { concurrency: 1 },
      calibration: { rtt: { sameNode: 0, crossNode: 0, crossZone: 0 }, nsPerRule: 0, lookupNs: 0 },
      replications: 4,
    }),
    maxEvents: 1e8,
  });
}

/** Mean time in system of E_k/M/1 (μ = 1, per-server rate ρ): 1/(1−σ), σ = (kρ/(kρ + 1 − σ))^k. */
function erlangKM1(k: number, rho: number): number {
  let s = 0.5;
  for (let i = 0; i < 10_000; i++) s = ((k * rho) / (k * rho + 1 - s)) ** k;
  return 1 / (1 - s);
}

/** |estimate − theory| within the 99.9 % interval widened from the reported 95 % one (4 replications: t ratio 3.1). */
function expectWithinInterval(latency: { mean: number; halfWidth: number; n: number }, theoryMs: number) {
  const widen = studentTQuantile(0.9995, latency.n - 1) / studentTQuantile(0.975, latency.n - 1);
  expect(Math.abs(latency.mean - theoryMs)).toBeLessThanOrEqual(latency.halfWidth * widen);
}

describe('supermarket model: n = 100 exp(1) servers at ρ = 0.9', () => {
  it('random placement (nftables numgen, iptables cascade) gives M/M/1 queues: mean time 1/(1−ρ) = 10', () => {
    for (const mode of ['nftables', 'iptables'] as const) {
      const r = supermarket(mode);
      const h = r.headline!.latencyMeanMs;
      expectWithinInterval(h, 10_000);
      expect(h.mean).toBeGreaterThan(8_000);
    }
  });

  it('IPVS rr from one node gives E_n/M/1 queues: mean time ≈ 5.2', () => {
    const theory = erlangKM1(N, RHO);
    expect(theory).toBeGreaterThan(5);
    expect(theory).toBeLessThan(5.4);
    const h = supermarket('ipvs', 'rr').headline!.latencyMeanMs;
    expectWithinInterval(h, theory * 1000);
  });

  it('IPVS lc from one node joins the shortest queue: mean time close to 1 (JSQ)', () => {
    const h = supermarket('ipvs', 'lc').headline!.latencyMeanMs;
    // JSQ at n = 100, ρ = 0.9 almost never queues: the service time (1 s) plus a few per cent.
    expect(h.high).toBeLessThan(1_100);
    expect(h.low).toBeGreaterThan(990);
  });
});
