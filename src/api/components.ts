// Named schemas: the OpenAPI document references them as components instead of inlining the scenario in
// every route (the document stays readable and an order of magnitude smaller).
import { z } from 'zod';
import { DistributionSpec } from '../scenario/distribution.js';
import {
  Backends,
  Calibration,
  ClientGroup,
  ProxySettings,
  Requirements,
  Target,
  Traffic,
  Workload,
} from '../scenario/schema.js';
import { ClusterSnapshot } from '../scenario/snapshot.js';
import {
  Balance,
  Dataplane,
  EndpointRow,
  Headline,
  Interval,
  Percentiles,
  SimConfig,
  SimResult,
} from '../sim/result.js';
import { CandidateSpec } from '../whatif/candidates.js';
import { RankingRow } from '../whatif/rank.js';
import { ProblemSchema } from './schemas.js';

const components: [z.ZodType, string][] = [
  [ClusterSnapshot, 'ClusterSnapshot'],
  [DistributionSpec, 'Distribution'],
  [Target, 'Target'],
  [ProxySettings, 'ProxySettings'],
  [ClientGroup, 'ClientGroup'],
  [Workload, 'Workload'],
  [Traffic, 'Traffic'],
  [Backends, 'Backends'],
  [Requirements, 'Requirements'],
  [Calibration, 'Calibration'],
  [SimResult, 'SimulationResult'],
  [SimConfig, 'SimulationConfig'],
  [EndpointRow, 'EndpointRow'],
  [Balance, 'Balance'],
  [Percentiles, 'Percentiles'],
  [Interval, 'Interval'],
  [Headline, 'Headline'],
  [Dataplane, 'Dataplane'],
  [CandidateSpec, 'Candidate'],
  [RankingRow, 'RankingRow'],
  [ProblemSchema, 'Problem'],
];

for (const [schema, id] of components) {
  // `.meta()` already put some of them in the registry with a description: keep it, add the id.
  const meta = z.globalRegistry.get(schema);
  if (meta?.id !== id) {
    z.globalRegistry.remove(schema);
    z.globalRegistry.add(schema, { ...meta, id });
  }
}
