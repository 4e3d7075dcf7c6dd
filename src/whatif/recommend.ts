// The guide's answer with or without a what-if: ingest the snapshot, resolve the target, evaluate the
// rules and checks (src/guide), and set them beside the simulation's ranking when there is one.
import { evaluateGuide, type GuideThresholdsInput, type Recommendation, recommendation } from '../guide/index.js';
import { ingestCluster } from '../scenario/ingest.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveTarget } from '../scenario/target.js';
import type { Objective } from './rank.js';
import type { WhatifOutcome } from './run.js';

export function recommend(
  scenario: Scenario,
  thresholds: GuideThresholdsInput | undefined,
  whatif?: { outcome: WhatifOutcome; objective: Objective },
): Recommendation {
  const cluster = ingestCluster(scenario.cluster);
  const target = resolveTarget(cluster, scenario.target);
  const guide = evaluateGuide({ scenario, cluster, target, thresholds, results: whatif?.outcome.results });
  return recommendation(
    guide,
    whatif === undefined
      ? null
      : { objective: whatif.objective, ranking: whatif.outcome.ranking, results: whatif.outcome.results },
  );
}
