// Shared builders for the guide's tests: scenarios as plain objects (parsed with the real schema and
// ingested from the compact cluster form), and simulation results with chosen measurements.
import { evaluateGuide, type GuideInput, type GuideResult } from '../../src/guide/index.js';
import { ingestCluster } from '../../src/scenario/ingest.js';
import { Scenario, type ScenarioInput } from '../../src/scenario/schema.js';
import { resolveTarget } from '../../src/scenario/target.js';
import type { SimConfig, SimResult } from '../../src/sim/result.js';

export interface Prepared {
  scenario: Scenario;
  cluster: ReturnType<typeof ingestCluster>;
  target: ReturnType<typeof resolveTarget>;
}

export function prepare(input: ScenarioInput): Prepared {
  const scenario = Scenario.parse(input);
  const cluster = ingestCluster(scenario.cluster);
  return { scenario, cluster, target: resolveTarget(cluster, scenario.target) };
}

export function guide(
  input: ScenarioInput,
  extra: Partial<Omit<GuideInput, 'scenario' | 'cluster' | 'target'>> = {},
): GuideResult {
  return evaluateGuide({ ...prepare(input), ...extra });
}

export function rule(g: GuideResult, id: string) {
  const r = g.rules.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no rule ${id}`);
  return r;
}

export function check(g: GuideResult, id: string) {
  const c = g.checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id}`);
  return c;
}

/** Three nodes in two zones, one Service "web" with an endpoint on node-a and node-b (none on node-c). */
export function threeNodes(service: Record<string, unknown> = {}) {
  return {
    nodes: [
      { name: 'node-a', zone: 'z1', cpu: 4, kubeletVersion: 'v1.33.2' },
      { name: 'node-b', zone: 'z2', cpu: 4, kubeletVersion: 'v1.33.2' },
      { name: 'node-c', zone: 'z2', cpu: 4, kubeletVersion: 'v1.33.2' },
    ],
    services: [{ name: 'web', ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...service }],
    endpointSlices: [
      {
        service: 'web',
        endpoints: [
          { address: '10.244.1.10', node: 'node-a', pod: 'web-a' },
          { address: '10.244.2.10', node: 'node-b', pod: 'web-b' },
        ],
      },
    ],
  };
}

export const SHORT_UNIFORM = {
  class: 'short',
  rate: 500,
  serviceTime: { dist: 'uniform', min: '2ms', max: '8ms' },
} as const;

const percentiles = (p99: number) => ({
  count: 1000,
  mean: p99 / 3,
  p50: p99 / 4,
  p90: p99 / 2,
  p99,
  p999: p99 * 1.5,
  max: p99 * 2,
});

/** A simulation result with the given configuration and measurements (the rest plausible and fixed). */
export function fakeResult(
  config: Partial<SimConfig> & Pick<SimConfig, 'mode'>,
  m: {
    p99?: number;
    maxOverMeanConnectionSeconds?: number;
    maxOverMeanRequests?: number;
    snatShare?: number;
    hairpinShare?: number;
    crossZoneShare?: number;
    conntrackPeakEntries?: number;
    conntrackMax?: number;
    dropped?: Partial<SimResult['dataplane']['dropped']['byReason']>;
    rules?: number;
    ipvsIdleExpired?: number;
    nodes?: SimResult['dataplane']['nodes'];
  } = {},
): SimResult {
  const byReason = { noEndpoints: 0, noLocalEndpoint: 0, conntrackFull: 0, ipvsNoDestination: 0, ...m.dropped };
  const total = byReason.noEndpoints + byReason.noLocalEndpoint + byReason.conntrackFull + byReason.ipvsNoDestination;
  const p99 = m.p99 ?? 10;
  return {
    config: {
      scheduler: config.mode === 'ipvs' ? 'rr' : null,
      service: 'default/web',
      port: 'http',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
      trafficDistribution: null,
      ...config,
    },
    endpoints: [],
    distribution: [
      { by: 'requests', maxOverMean: m.maxOverMeanRequests ?? 1.05, cv: 0.03, jain: 0.99 },
      { by: 'connections', maxOverMean: 1.02, cv: 0.01, jain: 0.99 },
      { by: 'connectionSeconds', maxOverMean: m.maxOverMeanConnectionSeconds ?? 1.05, cv: 0.03, jain: 0.99 },
      { by: 'utilization', maxOverMean: 1.05, cv: 0.03, jain: 0.99 },
    ],
    latencyMs: { ...percentiles(p99), byClass: {} },
    requests: {
      completed: 1000,
      failed: { total: 0, byReason: { connectionDropped: 0, queueFull: 0, ipvsIdleExpired: 0 } },
    },
    dataplane: {
      newConnections: 10_000,
      dropped: { total, byReason },
      ruleEvaluationsPerNewConnection: { mean: m.rules ?? 20, p99: (m.rules ?? 20) * 2 },
      firstPacketCostUs: { mean: ((m.rules ?? 20) * 20) / 1000 },
      rules: { count: 100 },
      sourceIPPreservedShare: 1 - (m.snatShare ?? 0),
      snatShare: m.snatShare ?? 0,
      crossNodeShare: 0.5,
      crossZoneShare: m.crossZoneShare ?? 0.3,
      hairpinShare: m.hairpinShare ?? 0,
      conntrackPeakEntries: m.conntrackPeakEntries ?? 1000,
      conntrackMax: m.conntrackMax ?? 131_072,
      ipvsIdleExpired: m.ipvsIdleExpired ?? 0,
      affinityHits: 0,
      nodes: m.nodes ?? [],
    },
    warnings: [],
    meta: { events: 1, simulatedSeconds: 60, wallMs: 1, seed: 1, replications: 1, engineVersion: 'test' },
  };
}
