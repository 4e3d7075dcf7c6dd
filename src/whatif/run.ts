// A what-if: the same scenario under every candidate, in parallel on the worker pool. Every candidate
// gets the same seed, so replication r of each sees the same arrivals and service times (spec/model.md §6).
import type { Scenario } from '../scenario/schema.js';
import type { Candidate } from '../sim/model.js';
import type { SimResult } from '../sim/result.js';
import { candidateLabel, defaultCandidates } from './candidates.js';
import type { SimulationPool } from './pool.js';
import { type Objective, type RankingRow, rank } from './rank.js';
import type { TaskResult } from './worker.js';

export interface WhatifOutcome {
  labels: string[];
  results: SimResult[];
  ranking: RankingRow[];
}

/** The first failed task's result (budget, scenario problems), or the candidates' results in order. */
export async function runWhatif(
  pool: SimulationPool,
  scenario: Scenario,
  candidates: Candidate[] | undefined,
  objective: Objective,
  maxEvents: number,
  signal: AbortSignal,
): Promise<WhatifOutcome | Exclude<TaskResult, { ok: true }>> {
  const list = candidates ?? defaultCandidates();
  const labels = list.map((c) => candidateLabel(c, scenario.proxy.ipvs.scheduler));
  // The budget is per candidate: each is a full simulation with all its replications.
  const settled = await Promise.all(
    list.map((candidate) => pool.run({ kind: 'simulate', scenario, candidate, maxEvents }, signal)),
  );
  const failed = settled.find((r) => !r.ok);
  if (failed !== undefined && !failed.ok) return failed;
  const results = settled.map((r) => (r as Extract<TaskResult, { kind: 'simulate' }>).result);
  return { labels, results, ranking: rank(results, labels, objective) };
}
