// Ranking what-if candidates on an objective. Every candidate ran replication r with the same seed, so
// arrivals and service times are common random numbers: the comparison with the best is paired (a
// Student-t interval of the per-replication differences), far sharper than comparing two independent
// intervals. A candidate is "tied with the best" when that interval contains 0.
import { z } from 'zod';
import { replicationCI } from '../engine/stats.js';
import type { SimResult } from '../sim/result.js';

export const Objective = z
  .enum(['p99', 'mean', 'balance'])
  .describe(
    'What "best" means: p99 = lowest 99th-percentile latency (default); mean = lowest mean latency; balance = lowest max/mean of connection-seconds over the endpoints (the load long-lived connections put on pods).',
  );
export type Objective = z.output<typeof Objective>;

export const RankingRow = z
  .strictObject({
    rank: z.number().int(),
    label: z.string(),
    config: z.unknown().describe('The candidate’s `config` as in its result.'),
    value: z.number().describe('Objective value (ms for p99/mean, ratio for balance), mean over replications.'),
    low: z.number().nullable().describe('95 % interval of the value (null with one replication).'),
    high: z.number().nullable(),
    failedShare: z.number().describe('Share of requests that failed (dropped connections, 503s, IPVS idle expiry).'),
    differenceFromBest: z
      .strictObject({ mean: z.number(), low: z.number().nullable(), high: z.number().nullable() })
      .describe('Paired difference to the best (same random streams per replication), with its 95 % interval.'),
    tiedWithBest: z.boolean().describe('The paired 95 % interval of the difference contains 0.'),
  })
  .describe('One candidate in the ranking, best first.');
export type RankingRow = z.infer<typeof RankingRow>;

/** Failure shares this far above the lowest rank a candidate after every candidate that serves its traffic. */
const FAILURE_MARGIN = 0.005;

function perReplication(r: SimResult, objective: Objective): number[] {
  const h = r.headline;
  if (h !== undefined) {
    if (objective === 'p99') return h.latencyP99Ms.values;
    if (objective === 'mean') return h.latencyMeanMs.values;
    return h.maxOverMeanConnectionSeconds.values;
  }
  if (objective === 'p99') return [r.latencyMs.p99];
  if (objective === 'mean') return [r.latencyMs.mean];
  return [r.distribution.find((d) => d.by === 'connectionSeconds')?.maxOverMean ?? 0];
}

function failedShare(r: SimResult): number {
  const total = r.requests.completed + r.requests.failed.total;
  return total > 0 ? r.requests.failed.total / total : 0;
}

const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);

export function rank(results: readonly SimResult[], labels: readonly string[], objective: Objective): RankingRow[] {
  const values = results.map((r) => perReplication(r, objective));
  const means = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const failed = results.map(failedShare);
  const minFailed = Math.min(...failed);
  const order = results
    .map((_, i) => i)
    .sort((a, b) => {
      const fa = (failed[a] as number) > minFailed + FAILURE_MARGIN ? 1 : 0;
      const fb = (failed[b] as number) > minFailed + FAILURE_MARGIN ? 1 : 0;
      return fa - fb || (means[a] as number) - (means[b] as number) || a - b;
    });
  const best = order[0] as number;
  return order.map((i, k) => {
    const v = values[i] as number[];
    const ci = replicationCI(v);
    const diffs = v.map((x, r) => x - ((values[best] as number[])[r] ?? 0));
    const d = replicationCI(diffs);
    const finite = Number.isFinite(d.halfWidth);
    const tied = i === best || (finite ? Math.abs(d.mean) <= d.halfWidth : d.mean === 0);
    return {
      rank: k + 1,
      label: labels[i] as string,
      config: results[i]?.config,
      value: round(means[i] as number),
      low: Number.isFinite(ci.halfWidth) ? round(ci.mean - ci.halfWidth) : null,
      high: Number.isFinite(ci.halfWidth) ? round(ci.mean + ci.halfWidth) : null,
      failedShare: round(failed[i] as number),
      differenceFromBest: {
        mean: round(d.mean),
        low: finite ? round(d.mean - d.halfWidth) : null,
        high: finite ? round(d.mean + d.halfWidth) : null,
      },
      tiedWithBest: tied,
    };
  });
}
