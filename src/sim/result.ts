// The result of one simulation (spec/api.md): the body of POST /v1/simulate and one element of a
// what-if's `results`. A schema (for the OpenAPI document) and the types the simulator builds.
import { z } from 'zod';

const Ms = z.number().describe('Milliseconds.');
const Share = z.number().min(0).max(1);

export const Interval = z
  .strictObject({
    mean: z.number(),
    low: z.number().describe('Lower end of the 95 % confidence interval.'),
    high: z.number().describe('Upper end of the 95 % confidence interval.'),
    halfWidth: z.number(),
    n: z.number().int().describe('Replications the interval is computed from.'),
    values: z
      .array(z.number())
      .describe('The per-replication values (replication r of every what-if candidate shares its random streams).'),
  })
  .describe('A figure over replications: mean and 95 % Student-t confidence interval.');
export type Interval = z.infer<typeof Interval>;

export const Percentiles = z
  .strictObject({
    count: z.number().int().describe('Requests measured (after warm-up).'),
    mean: Ms,
    p50: Ms,
    p90: Ms,
    p99: Ms,
    p999: Ms,
    max: Ms,
  })
  .describe('Latency of completed requests, from HDR histograms (≤ 1 % relative error).');
export type Percentiles = z.infer<typeof Percentiles>;

export const EndpointRow = z
  .strictObject({
    address: z.string(),
    port: z.number().int(),
    pod: z.string().nullable(),
    node: z.string().nullable(),
    zone: z.string().nullable(),
    ready: z.boolean(),
    terminating: z.boolean(),
    weight: z.number().int().describe('IPVS real-server weight in effect (kube-proxy: 1, 0 while terminating).'),
    connections: z.number().int().describe('New connections it received (after warm-up).'),
    requests: z.number().int().describe('Requests it completed (after warm-up).'),
    share: Share.describe('Share of all completed requests.'),
    connectionShare: Share.describe('Share of all new connections.'),
    peakActiveConnections: z.number().int(),
    meanActiveConnections: z.number().describe('Time-averaged open connections (after warm-up).'),
    connectionSeconds: z.number().describe('Open-connection seconds accumulated after warm-up.'),
    utilization: Share.describe('Busy workers / workers, time-averaged.'),
    rejected: z.number().int().describe('Requests answered 503 because the queue was full.'),
    latencyMs: z.strictObject({ p50: Ms, p90: Ms, p99: Ms }),
  })
  .describe('One endpoint (backend pod), in EndpointSlice order.');
export type EndpointRow = z.infer<typeof EndpointRow>;

export const Balance = z
  .strictObject({
    by: z.enum(['requests', 'connections', 'connectionSeconds', 'utilization']),
    maxOverMean: z.number().describe('Largest endpoint value over the mean (1 = perfectly even).'),
    cv: z.number().describe('Coefficient of variation across endpoints (0 = even).'),
    jain: z.number().describe("Jain's fairness index (1 = even, 1/n = all on one)."),
  })
  .describe('How evenly load spreads over the endpoints that may receive it.');
export type Balance = z.infer<typeof Balance>;

export const DropReasons = z
  .strictObject({
    noEndpoints: z.number().int().describe('No usable endpoint at all: REJECT.'),
    noLocalEndpoint: z.number().int().describe('Traffic policy Local and none on the deciding node: DROP.'),
    conntrackFull: z.number().int().describe('The node’s conntrack table was full.'),
    ipvsNoDestination: z
      .number()
      .int()
      .describe('The IPVS scheduler found no destination (e.g. sh bucket of a weight-0 server).'),
  })
  .describe('New connections dropped, by reason.');

export const RequestFailures = z
  .strictObject({
    total: z.number().int(),
    byReason: z.strictObject({
      connectionDropped: z.number().int().describe('The connection carrying it was dropped by the data plane.'),
      queueFull: z.number().int().describe('503: the endpoint’s queue was at queueLimit.'),
      ipvsIdleExpired: z.number().int().describe('IPVS had expired the idle connection (ESTABLISHED timeout).'),
    }),
  })
  .describe('Requests that did not complete, by reason (not in the latency percentiles).');

export const Dataplane = z
  .strictObject({
    newConnections: z.number().int(),
    dropped: z.strictObject({ total: z.number().int(), byReason: DropReasons }),
    ruleEvaluationsPerNewConnection: z
      .strictObject({ mean: z.number(), p99: z.number() })
      .describe(
        'Rules a new connection’s first packet traverses (iptables grows with Service count; nftables/IPVS O(1)).',
      ),
    firstPacketCostUs: z
      .strictObject({ mean: z.number() })
      .describe('Rule-evaluation time added to connection setup, µs.'),
    rules: z.strictObject({
      count: z.number().int().describe('Rules (or IPVS entries) this mode programs per node for the snapshot.'),
    }),
    sourceIPPreservedShare: Share,
    snatShare: Share,
    crossNodeShare: Share,
    crossZoneShare: Share,
    hairpinShare: Share,
    conntrackPeakEntries: z.number().int().describe('Largest conntrack table on any node.'),
    conntrackMax: z.number().int().describe('Smallest conntrack table size among deciding nodes.'),
    ipvsIdleExpired: z.number().int().describe('Connections IPVS expired after the ESTABLISHED idle timeout.'),
    affinityHits: z.number().int().describe('New connections routed by a remembered ClientIP affinity entry.'),
    nodes: z
      .array(
        z.strictObject({
          node: z.string(),
          newConnections: z.number().int(),
          dropped: z.number().int(),
          conntrackPeakEntries: z.number().int(),
        }),
      )
      .describe('Per deciding node.'),
  })
  .describe('What the data plane did and cost.');

export const Latency = Percentiles.extend({
  byClass: z.strictObject({
    short: Percentiles.optional(),
    http2: Percentiles.optional(),
    websocket: Percentiles.optional(),
  }),
}).describe('Latency overall and per workload class, ms.');

export const Requests = z
  .strictObject({ completed: z.number().int(), failed: RequestFailures })
  .describe('Request outcomes after warm-up.');

export const Headline = z
  .strictObject({
    latencyMeanMs: Interval,
    latencyP50Ms: Interval,
    latencyP99Ms: Interval,
    maxOverMeanRequests: Interval,
    maxOverMeanConnectionSeconds: Interval,
    maxUtilization: Interval,
    failedShare: Interval,
  })
  .describe('Headline figures with 95 % confidence intervals across replications (present when replications > 1).');
export type Headline = z.infer<typeof Headline>;

export const SimConfig = z
  .strictObject({
    mode: z.enum(['iptables', 'nftables', 'ipvs']),
    scheduler: z.string().nullable(),
    service: z.string(),
    port: z.string(),
    sessionAffinity: z.enum(['None', 'ClientIP']),
    internalTrafficPolicy: z.enum(['Cluster', 'Local']),
    externalTrafficPolicy: z.enum(['Cluster', 'Local']),
    trafficDistribution: z.string().nullable(),
  })
  .describe('What was simulated.');
export type SimConfig = z.infer<typeof SimConfig>;

export const Meta = z
  .strictObject({
    events: z.number().int(),
    simulatedSeconds: z.number(),
    wallMs: z.number().describe('Wall-clock time of the run (not deterministic).'),
    seed: z.number().int(),
    replications: z.number().int(),
    engineVersion: z.string(),
  })
  .describe('About the run.');

export const SimResult = z
  .strictObject({
    config: SimConfig,
    endpoints: z.array(EndpointRow),
    distribution: z.array(Balance),
    latencyMs: Latency,
    requests: Requests,
    dataplane: Dataplane,
    headline: Headline.optional(),
    warnings: z
      .array(z.string())
      .describe('Model caveats for this run (e.g. a run too short for its connection lifetimes).'),
    meta: Meta,
  })
  .describe('The result of one simulation.');
export type SimResult = z.infer<typeof SimResult>;
