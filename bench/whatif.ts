// Benchmark of a what-if (issue: "What-if and the recommendation"): the default 11 candidates of the
// simulate benchmark's scenario, replications 1, on the worker pool sized to the machine — wall time, the
// sum of the candidates' times run one at a time on the same pool, and the parallel speed-up; then
// /v1/recommend's work on a 10 000-Service snapshot beside JSON.parse of its body.
// Usage: npx tsx bench/whatif.ts   → one JSON line.
import { availableParallelism } from 'node:os';
import { Scenario } from '../src/scenario/schema.js';
import { defaultCandidates } from '../src/whatif/candidates.js';
import { createPool } from '../src/whatif/pool.js';
import { recommend } from '../src/whatif/recommend.js';
import { DEFAULT_SIZE, snapshotText } from './gen-snapshot.js';
import { median } from './lib/median.js';
import { benchScenario } from './lib/scenario.js';

const workers = availableParallelism();
const pool = createPool(workers, (err) => console.error(err));
const scenario = Scenario.parse({ ...benchScenario(), replications: 1 });
const candidates = defaultCandidates();
const task = (i: number) => pool.run({ kind: 'simulate', scenario, candidate: candidates[i]!, maxEvents: 1e9 });

// Warm every worker (thread start, module load, JIT) before timing.
await Promise.all(candidates.map((_, i) => task(i)));
await Promise.all(candidates.map((_, i) => task(i)));

const single: number[] = [];
for (let i = 0; i < candidates.length; i++) {
  const t0 = performance.now();
  await task(i);
  single.push(performance.now() - t0);
}
const t0 = performance.now();
await Promise.all(candidates.map((_, i) => task(i)));
const wallMs = performance.now() - t0;
const sumMs = single.reduce((a, b) => a + b, 0);
await pool.close();

// /v1/recommend on a 10 000-Service / 100 000-endpoint snapshot: validation + ingest + guide vs JSON.parse.
const body = `{"cluster":${snapshotText(DEFAULT_SIZE)},"target":{"service":"team-000/svc-0"},"traffic":{"duration":60,"workloads":[{"class":"short","rate":500,"serviceTime":"5ms"}]}}`;
const parseRuns: number[] = [];
const recommendRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const json = JSON.parse(body);
  parseRuns.push(performance.now() - t);
  t = performance.now();
  const parsed = Scenario.parse(json);
  recommend(parsed, undefined);
  recommendRuns.push(performance.now() - t);
}

console.log(
  JSON.stringify({
    bench: 'whatif',
    workers,
    candidates: candidates.length,
    wallMs: Math.round(wallMs),
    sumOfSingleCandidateMs: Math.round(sumMs),
    speedup: Number((sumMs / wallMs).toFixed(2)),
    singleMs: single.map((x) => Math.round(x)),
    recommend: {
      bytes: body.length,
      jsonParseMs: Math.round(median(parseRuns)),
      validateIngestGuideMs: Math.round(median(recommendRuns)),
      ratio: Number((median(recommendRuns) / median(parseRuns)).toFixed(2)),
    },
  }),
);
