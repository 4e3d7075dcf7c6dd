// The engine against queueing theory. Every tolerance is a confidence interval computed from the run
// itself (batch means over 20..40 batches, Student t), at 99.9 % so that a correct engine fails a check
// about once in a thousand seeds; the seeds are fixed, so the suite is deterministic. Each test also
// bounds the interval's width, so that a check cannot pass merely because the run was too noisy.

import { describe, expect, it } from 'vitest';
import { CI_LEVEL, erlangCWait, runQueue } from './models.js';

interface Case {
  name: string;
  servers: number;
  rho: number;
  service: 'exponential' | 'constant';
  customers: number;
}

const cases: Case[] = [
  { name: 'M/M/1', servers: 1, rho: 0.5, service: 'exponential', customers: 400_000 },
  { name: 'M/M/1', servers: 1, rho: 0.8, service: 'exponential', customers: 1_000_000 },
  { name: 'M/M/4', servers: 4, rho: 0.5, service: 'exponential', customers: 400_000 },
  { name: 'M/M/4', servers: 4, rho: 0.8, service: 'exponential', customers: 1_000_000 },
  { name: 'M/D/1', servers: 1, rho: 0.5, service: 'constant', customers: 400_000 },
  { name: 'M/D/1', servers: 1, rho: 0.8, service: 'constant', customers: 1_000_000 },
];

/** Theoretical mean wait in queue, service rate 1. */
function theoryWait(c: Case): number {
  const lambda = c.rho * c.servers;
  if (c.service === 'exponential') return erlangCWait(c.servers, lambda, 1);
  // Pollaczek–Khinchine for M/G/1: Wq = lambda E[S^2] / (2 (1 - rho)); deterministic S = 1 gives E[S^2] = 1.
  return lambda / (2 * (1 - c.rho));
}

describe.each(cases)('$name at rho $rho', (c) => {
  const lambda = c.rho * c.servers;
  const run = runQueue({
    servers: c.servers,
    interarrival: { dist: 'exponential', mean: 1 / lambda },
    service: c.service === 'exponential' ? { dist: 'exponential', mean: 1 } : { dist: 'constant', value: 1 },
    customers: c.customers,
    seed: 1000 + Math.round(100 * c.rho) + c.servers,
  });
  const wq = theoryWait(c);

  it('mean wait in queue matches theory within the 99.9 % batch-means interval', () => {
    const ci = run.wait.ci(CI_LEVEL);
    expect(ci.n).toBeGreaterThanOrEqual(20);
    expect(ci.halfWidth / wq).toBeLessThan(0.1);
    expect(Math.abs(ci.mean - wq)).toBeLessThanOrEqual(ci.halfWidth);
  });

  it('time-average number in system matches lambda * (Wq + 1/mu) within its interval', () => {
    const ci = run.inSystem;
    const theory = lambda * (wq + 1);
    expect(ci.halfWidth / theory).toBeLessThan(0.1);
    expect(Math.abs(ci.mean - theory)).toBeLessThanOrEqual(ci.halfWidth);
  });

  it("obeys Little's law on the sample path: L = lambda * W up to end effects", () => {
    // L (clock and time-weighted statistic) and lambda * W (event times per customer) are measured
    // independently; on one sample path they differ only by the customers straddling the warm-up and the
    // end, orders of magnitude less than L's own interval, which bounds the difference here.
    const L = run.inSystem;
    const lambdaW = run.arrivalRate * run.sojourn.ci().mean;
    expect(Math.abs(L.mean - lambdaW)).toBeLessThanOrEqual(L.halfWidth / 10);
  });
});
