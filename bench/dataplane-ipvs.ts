// Picks per second of each IPVS scheduler with 10, 100 and 1000 real servers, under connection churn.
// Run: npx tsx bench/dataplane-ipvs.ts   → prints one JSON object.
//
// Each pick is a new connection at a steady 1000 connections/s of simulated time from one of 65536 client
// addresses; it is established at once, and the connection opened WINDOW picks earlier is closed, so active and
// inactive counters move on every pick and closed connections expire 120 s (120 000 picks) later.
// Every configuration runs once unmeasured first, so all figures are taken in the same JIT state: the one of a
// process that has exercised every scheduler (shared call sites megamorphic), as a what-if comparing candidates is.

import { IpvsService, ipv4ToU32, SCHEDULER_NAMES, type SchedulerName } from '../src/dataplane/ipvs/index.js';

const SIZES = [10, 100, 1000] as const;
const WARMUP = 150_000;
const MEASURED = 300_000;
const WINDOW = 256;
const DT = 0.001;
const VIP = ipv4ToU32('10.96.0.10');
const CLIENT_BASE = ipv4ToU32('10.1.0.0');

function run(scheduler: SchedulerName, dests: number, persistentTimeout: number): number {
  const svc = new IpvsService({ scheduler, persistentTimeout, capacity: dests });
  // Weights 1..3 so that the weighted schedulers have something to weigh (kube-proxy itself uses 1).
  for (let i = 0; i < dests; i++) svc.addDest(i, ipv4ToU32('10.244.0.0') + i, 8080, 1 + (i % 3));
  const openSlot = new Int32Array(WINDOW).fill(-1);
  const openClient = new Uint32Array(WINDOW);
  let rng = 0x9e3779b9;
  let now = 0;
  let t0 = 0n;
  for (let k = 0; k < WARMUP + MEASURED; k++) {
    if (k === WARMUP) t0 = process.hrtime.bigint();
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    const client = (CLIENT_BASE + (rng & 0xffff)) >>> 0;
    now += DT;
    const slot = svc.schedule(now, client, 32768 + (k & 0x7fff), VIP);
    const w = k % WINDOW;
    const old = openSlot[w]!;
    if (old >= 0) svc.closed(now, old, openClient[w]!);
    openSlot[w] = slot;
    openClient[w] = client;
    if (slot >= 0) svc.established(slot);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return Math.round(MEASURED / seconds);
}

for (const name of SCHEDULER_NAMES) for (const n of SIZES) run(name, n, 0);
for (const n of SIZES) run('rr', n, 10800);
const picksPerSecond: Record<string, Record<string, number>> = {};
for (const name of SCHEDULER_NAMES) {
  const row: Record<string, number> = {};
  for (const n of SIZES) row[n] = run(name, n, 0);
  picksPerSecond[name] = row;
}
const persistent: Record<string, Record<string, number>> = {};
for (const name of ['rr', 'lc'] as const) {
  const row: Record<string, number> = {};
  for (const n of SIZES) row[n] = run(name, n, 10800);
  persistent[name] = row;
}

console.log(
  JSON.stringify({
    bench: 'dataplane-ipvs',
    node: process.version,
    measuredPicks: MEASURED,
    churn: { connectionsPerSecond: 1 / DT, openWindow: WINDOW, clients: 65536, weights: '1 + (i % 3)' },
    picksPerSecond,
    persistent,
  }),
);
