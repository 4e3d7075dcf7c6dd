// How much validating and normalising a large kubectl snapshot costs next to merely parsing its JSON.
// Target: validate + normalise ≤ 3 × JSON.parse of the same body.
//
//   node --expose-gc --import tsx bench/ingest.ts [snapshot.json] [--runs 5]
//
// Without a file it generates the default 10 000-Service / 100 000-endpoint snapshot (bench/gen-snapshot.ts)
// in memory. Prints one JSON line; times are medians over the runs, after one warm-up run.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ingestCluster } from '../src/scenario/ingest.js';
import { ClusterSnapshot } from '../src/scenario/snapshot.js';
import { snapshotText } from './gen-snapshot.js';
import { median } from './lib/median.js';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string' } }, allowPositionals: true });
const runs = Number(values.runs ?? 5);
const file = positionals[0];
const body = file === undefined ? snapshotText() : readFileSync(file, 'utf8');
const collect = (globalThis as { gc?: () => void }).gc;

const parseMs: number[] = [];
const validateMs: number[] = [];
const normaliseMs: number[] = [];
let services = 0;
let endpoints = 0;
for (let run = 0; run <= runs; run++) {
  collect?.();
  const t0 = performance.now();
  const parsed: unknown = JSON.parse(body);
  const t1 = performance.now();
  const result = ClusterSnapshot.safeParse(parsed);
  const t2 = performance.now();
  if (!result.success) throw new Error(`snapshot does not validate: ${result.error.message.slice(0, 500)}`);
  const cluster = ingestCluster(result.data);
  const t3 = performance.now();
  if (run === 0) continue; // warm-up: JIT, zod's compiled object parsers
  parseMs.push(t1 - t0);
  validateMs.push(t2 - t1);
  normaliseMs.push(t3 - t2);
  services = cluster.services.length;
  endpoints = cluster.endpointSlices.reduce((n, s) => n + s.endpoints.length, 0);
}

const parse = median(parseMs);
const validate = median(validateMs);
const normalise = median(normaliseMs);
const round = (x: number) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    services,
    endpoints,
    bytes: Buffer.byteLength(body),
    parseMs: round(parse),
    validateMs: round(validate),
    normaliseMs: round(normalise),
    ratio: Math.round(((validate + normalise) / parse) * 100) / 100,
  }),
);
