// Endpoint picks per second of the iptables statistic cascade and the nftables numgen chain, with 10, 100
// and 1000 endpoints, without and with ClientIP affinity (2000 client IPs). One JSON document on stdout.
//
//   npx tsx bench/dataplane.ts            # ~0.4 s of measurement per case

import { IptablesRecentLists, NftAffinitySets } from '../src/dataplane/affinity.js';
import { IptablesServiceChain } from '../src/dataplane/iptables.js';
import { NftablesServiceChain } from '../src/dataplane/nftables.js';
import { Rng } from '../src/engine/rng.js';

interface Picker {
  pick(client: number, now: number, rng: Rng): number;
}

const MEASURE_NS = 400_000_000n;
const CLIENTS = 2000;

/** Picks per second over at least MEASURE_NS, after a warm-up that lets V8 optimise the loop. */
function measure(picker: Picker, seed: number): { picksPerSecond: number; picks: number } {
  const rng = new Rng(seed, 'bench');
  let now = 0;
  for (let i = 0; i < 50_000; i++) {
    now += 0.001;
    picker.pick(i % CLIENTS, now, rng);
  }
  let picks = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < MEASURE_NS) {
    for (let i = 0; i < 10_000; i++) {
      now += 0.001;
      picker.pick(i % CLIENTS, now, rng);
    }
    picks += 10_000;
    elapsed = process.hrtime.bigint() - start;
  }
  return { picksPerSecond: Math.round((picks * 1e9) / Number(elapsed)), picks };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const results: Record<string, unknown>[] = [];
for (const n of [10, 100, 1000]) {
  const cases: [string, boolean, Picker][] = [
    ['iptables', false, new IptablesServiceChain(ids(n))],
    ['nftables', false, new NftablesServiceChain(ids(n))],
    ['iptables', true, new IptablesServiceChain(ids(n), new IptablesRecentLists(), 10800)],
    ['nftables', true, new NftablesServiceChain(ids(n), new NftAffinitySets(), 10800)],
  ];
  for (const [mode, affinity, picker] of cases) {
    const r = measure(picker, n);
    results.push({ mode, endpoints: n, affinity, picksPerSecond: r.picksPerSecond, picks: r.picks });
  }
}

process.stdout.write(
  `${JSON.stringify({ bench: 'dataplane-picks', node: process.version, clientsWithAffinity: CLIENTS, results }, null, 2)}\n`,
);
