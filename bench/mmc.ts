// M/M/c queue on the engine's public API: the throughput benchmark against /work/shared/bench/ref-mmc.cpp.
// Same model, same event count (one arrival and one departure event per customer), same output line.
// Usage: npx tsx bench/mmc.ts CUSTOMERS SERVERS LAMBDA MU SEED [WARMUP_CUSTOMERS]
// The timed run is preceded by an untimed one of WARMUP_CUSTOMERS (default 200,000; 0 for none) with the
// same parameters and seed + 1, so that the figure is V8's steady state (the simulator's worker threads are
// long-lived) rather than its compile time; the C++ reference has no warm-up to exclude.

import { Dist, EventQueue, Streams } from '../src/engine/index.js';

const ARRIVAL = 0;
const DEPARTURE = 1;

interface MmcResult {
  events: number;
  seconds: number;
  meanWait: number;
}

function mmc(customers: number, servers: number, lambda: number, mu: number, seed: number): MmcResult {
  const started = performance.now();
  const streams = new Streams(seed);
  const arrivalRng = streams.get('arrivals');
  const serviceRng = streams.get('service');
  const interarrival = new Dist({ dist: 'exponential', mean: 1 / lambda });
  const service = new Dist({ dist: 'exponential', mean: 1 / mu });
  const q = new EventQueue(servers + 2);
  // FIFO waiting line of arrival times: a ring buffer that doubles when full.
  let line = new Float64Array(1024);
  let head = 0;
  let length = 0;
  let busy = 0;
  let arrived = 0;
  let served = 0;
  let waitSum = 0;
  q.schedule(interarrival.sample(arrivalRng), ARRIVAL);
  while (q.next(Number.POSITIVE_INFINITY)) {
    const now = q.now;
    switch (q.kind) {
      case ARRIVAL:
        if (++arrived < customers) q.schedule(now + interarrival.sample(arrivalRng), ARRIVAL);
        if (busy < servers) {
          busy++;
          served++;
          q.schedule(now + service.sample(serviceRng), DEPARTURE);
        } else {
          if (length === line.length) {
            const grown = new Float64Array(2 * line.length);
            for (let i = 0; i < length; i++) grown[i] = line[(head + i) & (line.length - 1)]!;
            line = grown;
            head = 0;
          }
          line[(head + length++) & (line.length - 1)] = now;
        }
        break;
      case DEPARTURE:
        if (length > 0) {
          waitSum += now - line[head]!;
          head = (head + 1) & (line.length - 1);
          length--;
          served++;
          q.schedule(now + service.sample(serviceRng), DEPARTURE);
        } else busy--;
        break;
    }
  }
  return { events: q.events, seconds: (performance.now() - started) / 1e3, meanWait: waitSum / served };
}

/** Erlang C mean wait in queue, via the Erlang B recursion (as ref-mmc.cpp). */
function erlangCWait(servers: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  const pWait = (servers * b) / (servers - a * (1 - b));
  return pWait / (servers * mu - lambda);
}

const [customers = 2_000_000, servers = 8, lambda = 7.2, mu = 1, seed = 42, warmup = 200_000] = process.argv
  .slice(2)
  .map(Number);
if (warmup > 0) mmc(warmup, servers, lambda, mu, seed + 1);
const r = mmc(customers, servers, lambda, mu, seed);
console.log(
  JSON.stringify({
    engine: 'ts-engine',
    events: r.events,
    seconds: Number(r.seconds.toFixed(4)),
    eventsPerSec: Math.round(r.events / r.seconds),
    meanWait: Number(r.meanWait.toFixed(5)),
    erlangCWait: Number(erlangCWait(servers, lambda, mu).toFixed(5)),
  }),
);
