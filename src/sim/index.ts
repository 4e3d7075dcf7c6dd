// The simulate entry point used by the API's workers: a validated scenario (and optionally a candidate
// configuration) in, a SimResult out. Ingestion and target resolution happen here, once per call.
import type { Cluster } from '../scenario/cluster.js';
import { ingestCluster } from '../scenario/ingest.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveTarget } from '../scenario/target.js';
import { type Candidate, prepareModel } from './model.js';
import type { SimResult } from './result.js';
import { simulateModel } from './simulate.js';

export { BudgetError, CancelledError } from './simulate.js';

export interface SimulateRequest {
  scenario: Scenario;
  /** The configuration to simulate; default: the scenario's own `proxy` settings. */
  candidate?: Candidate;
  /** Budget in events for the whole call (all replications). */
  maxEvents: number;
  cancelled?: () => boolean;
  /** An already ingested cluster (what-if candidates share one). */
  cluster?: Cluster;
}

export function candidateOf(scenario: Scenario): Candidate {
  return scenario.proxy.mode === 'ipvs'
    ? { mode: 'ipvs', scheduler: scenario.proxy.ipvs.scheduler }
    : { mode: scenario.proxy.mode };
}

export function simulate(req: SimulateRequest): SimResult {
  const { scenario } = req;
  const cluster = req.cluster ?? ingestCluster(scenario.cluster);
  const target = resolveTarget(cluster, scenario.target);
  const model = prepareModel(scenario, cluster, target, req.candidate ?? candidateOf(scenario), req.maxEvents);
  return simulateModel(model, {
    seed: scenario.traffic.seed,
    replications: scenario.replications,
    ...(req.cancelled === undefined ? {} : { cancelled: req.cancelled }),
  });
}
