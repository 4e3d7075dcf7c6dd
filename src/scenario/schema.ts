// The scenario: the request body of /v1/simulate, /v1/whatif and /v1/recommend (spec/api.md). zod is the
// single source of truth: validation, the TypeScript types (inferred below) and the OpenAPI document.
// Every object is strict (unknown keys are typos and are rejected) except embedded Kubernetes objects
// inside `cluster`, which ignore unknown fields as kubectl does.
import { z } from 'zod';
import { DistributionSpec } from './distribution.js';
import { Duration, PositiveDuration } from './duration.js';
import { ClusterSnapshot } from './snapshot.js';
import { describeYamlProblem, parseYamlStream } from './yaml.js';

const Name = z.string().min(1).max(253);

export const Target = z
  .strictObject({
    service: Name.optional().describe(
      'The Service, as "namespace/name" or a bare name (unique across namespaces). Default: the only Service in the snapshot.',
    ),
    port: z
      .union([Name, z.number().int().min(1).max(65535)])
      .optional()
      .describe('The Service port, by name or by port number. Default: the first port.'),
  })
  .meta({
    description: 'Which Service port the traffic is sent to.',
    examples: [{ service: 'default/demo-svc', port: 'http' }],
  });

export const ProxyMode = z.enum(['iptables', 'nftables', 'ipvs']).describe('kube-proxy mode.');
export const IpvsSchedulerName = z
  .enum(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh'])
  .describe('IPVS scheduler (`--ipvs-scheduler`), as the kernel module `ip_vs_<name>` implements it.');

export const Ipvs = z
  .strictObject({
    scheduler: IpvsSchedulerName.default('rr').describe('IPVS scheduler; kube-proxy defaults to rr.'),
    flags: z
      .array(z.enum(['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback']))
      .default([])
      .describe('Scheduler flags (kube-proxy `ipvs.scheduler` flags: `ipvsadm -b`).'),
    tcpTimeout: Duration.default(900).describe(
      'IPVS TCP ESTABLISHED idle timeout (kernel default 900 s; `ipvsadm --set`).',
    ),
    tcpFinTimeout: Duration.default(120).describe('IPVS TCP FIN_WAIT / TIME_WAIT timeout (kernel default 120 s).'),
  })
  .describe('IPVS settings (used when mode is ipvs).');

export const Conntrack = z
  .strictObject({
    maxPerCore: z.number().int().min(0).default(32768).describe('kube-proxy `conntrack.maxPerCore` (default 32768).'),
    min: z.number().int().min(0).default(131072).describe('kube-proxy `conntrack.min` (default 131072).'),
    timeWait: Duration.default(120).describe('nf_conntrack TCP TIME_WAIT timeout (kernel default 120 s).'),
  })
  .describe('conntrack sizing: the table holds max(maxPerCore × node CPUs, min) entries.');

export const ProxySettings = z
  .strictObject({
    mode: ProxyMode.default('iptables'),
    ipvs: Ipvs.default({ scheduler: 'rr', flags: [], tcpTimeout: 900, tcpFinTimeout: 120 }),
    clusterCIDR: z
      .string()
      .regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, 'must be a CIDR such as 10.244.0.0/16')
      .optional()
      .describe(
        'Pod CIDR (`--cluster-cidr`): traffic to a ClusterIP from outside it is masqueraded. Unset: no such rule.',
      ),
    masqueradeAll: z.boolean().default(false).describe('SNAT all traffic sent to Service IPs (`--masquerade-all`).'),
    conntrack: Conntrack.default({ maxPerCore: 32768, min: 131072, timeWait: 120 }),
  })
  .meta({
    description: 'kube-proxy settings that change behaviour.',
    examples: [{ mode: 'ipvs', ipvs: { scheduler: 'lc' } }],
  });

export const ClientGroup = z
  .strictObject({
    name: Name.describe('Name that workloads refer to.'),
    kind: z
      .enum(['pod', 'external'])
      .default('pod')
      .describe(
        'pod: in-cluster pods on `nodes`; external: clients entering through NodePort / LoadBalancer on `nodes`.',
      ),
    nodes: z
      .array(Name)
      .min(1)
      .optional()
      .describe('Nodes the pods run on (pod) or the entry nodes (external). Default: every node.'),
    via: z
      .enum(['nodePort', 'loadBalancer'])
      .default('loadBalancer')
      .describe(
        'How external clients enter: a NodePort on the entry nodes, or the Service load balancer spreading over them.',
      ),
    weights: z
      .array(z.number().nonnegative().finite())
      .optional()
      .describe('Relative share of connections per entry node (same order as `nodes`); default even.'),
    fromEndpoints: z
      .boolean()
      .default(false)
      .describe(
        'pod only: the clients are the Service’s own endpoint pods (each on its node, with its address), e.g. peers calling each other — shows hairpin traffic.',
      ),
    sourceIPs: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(100)
      .describe('Distinct client source IPs (what `sh` and ClientIP affinity key on).'),
  })
  .refine((g) => g.weights === undefined || (g.nodes !== undefined && g.weights.length === g.nodes.length), {
    message: 'weights needs one entry per node in `nodes`',
    path: ['weights'],
  })
  .refine((g) => !(g.fromEndpoints && g.kind === 'external'), {
    message: 'fromEndpoints applies to pod clients only',
    path: ['fromEndpoints'],
  })
  .refine((g) => g.weights === undefined || g.weights.some((w) => w > 0), {
    message: 'at least one weight must be positive',
    path: ['weights'],
  })
  .describe('A group of clients.');

const WorkloadCommon = {
  name: Name.optional().describe('Label used in results; default "<class>-<index>".'),
  client: Name.optional().describe('Client group name; default the first group.'),
  serviceTime: DistributionSpec.describe('Backend service time of one request / stream / message at speed 1.'),
};

export const ShortWorkload = z
  .strictObject({
    class: z.literal('short'),
    ...WorkloadCommon,
    rate: z
      .number()
      .positive()
      .finite()
      .describe('Requests per second (connections arrive at rate / requestsPerConnection).'),
    requestsPerConnection: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .describe('Sequential requests per connection.'),
    thinkTime: DistributionSpec.optional().describe(
      'Client pause between a response and the next request; default none.',
    ),
  })
  .describe('Short connections: Poisson arrivals, a few sequential requests each, then close.');

export const Http2Workload = z
  .strictObject({
    class: z.literal('http2'),
    ...WorkloadCommon,
    connections: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .describe('Long-lived connections kept open (opened over the first second).'),
    lifetime: DistributionSpec.optional().describe(
      'How long a connection lives before it reconnects; default: the whole run.',
    ),
    streamRate: z
      .number()
      .nonnegative()
      .finite()
      .describe('Streams (requests) per second over all connections of the workload.'),
    maxConcurrentStreams: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100)
      .describe('SETTINGS_MAX_CONCURRENT_STREAMS per connection.'),
  })
  .describe('HTTP/2 (or gRPC): long-lived connections multiplexing streams.');

export const WebSocketWorkload = z
  .strictObject({
    class: z.literal('websocket'),
    ...WorkloadCommon,
    rate: z.number().positive().finite().describe('New sessions per second.'),
    duration: DistributionSpec.describe('How long a session holds its connection.'),
    messageRate: z.number().nonnegative().finite().default(0).describe('Messages per second per session (Poisson).'),
  })
  .describe('WebSocket sessions: long connections carrying occasional messages.');

export const Workload = z.discriminatedUnion('class', [ShortWorkload, Http2Workload, WebSocketWorkload]);

export const Traffic = z
  .strictObject({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 53 - 1)
      .default(1)
      .describe('Seed of every random stream.'),
    duration: PositiveDuration.default(60).describe('Simulated time (default 60 s).'),
    warmup: Duration.optional().describe('Excluded from statistics; default 10 % of duration.'),
    clients: z
      .array(ClientGroup)
      .min(1)
      .max(100)
      .optional()
      .describe('Who sends. Default: one group "pods" of in-cluster pods spread over all nodes.'),
    workloads: z.array(Workload).min(1).max(50).describe('The traffic mix; each workload names its client group.'),
  })
  .refine((t) => t.warmup === undefined || t.warmup < t.duration, {
    message: 'warmup must be shorter than duration',
    path: ['warmup'],
  })
  .meta({
    description: 'The traffic profile.',
    examples: [
      {
        seed: 42,
        duration: '60s',
        workloads: [{ class: 'short', rate: 800, serviceTime: { dist: 'lognormal', median: '5ms', p99: '40ms' } }],
      },
    ],
  });

export const BackendOverride = z
  .strictObject({
    endpoint: Name.describe('Endpoint address (10.244.1.7) or pod name.'),
    concurrency: z.number().int().min(1).max(100_000).optional(),
    speed: z.number().positive().finite().optional().describe('Service time is divided by speed (0.25 = 4× slower).'),
    queueLimit: z.number().int().min(0).nullable().optional(),
    weight: z.number().int().min(0).max(65535).optional().describe('IPVS real-server weight (kube-proxy sets 1).'),
  })
  .describe('Per-endpoint change, e.g. one slow pod.');

export const Backends = z
  .strictObject({
    concurrency: z.number().int().min(1).max(100_000).default(32).describe('Workers per endpoint (default 32).'),
    speed: z.number().positive().finite().default(1).describe('Service time is divided by speed (default 1).'),
    queueLimit: z
      .number()
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('Requests waiting beyond the workers before the endpoint answers 503; null = unbounded (default).'),
    overrides: z.array(BackendOverride).max(100_000).default([]),
  })
  .describe('The endpoint servers.');

export const Requirements = z
  .strictObject({
    stickySessions: z.boolean().default(false).describe('Clients must stay on one endpoint (per client IP).'),
    preserveSourceIP: z.boolean().default(false).describe('Pods must see the client source IP.'),
  })
  .describe('What the platform needs from the data plane.');

export const Calibration = z
  .strictObject({
    rtt: z
      .strictObject({
        sameNode: Duration.default(0.00005).describe(
          'Round trip to an endpoint on the deciding node (default 0.05 ms).',
        ),
        crossNode: Duration.default(0.0002).describe('Round trip to another node in the zone (default 0.2 ms).'),
        crossZone: Duration.default(0.001).describe('Round trip to another zone (default 1 ms).'),
      })
      .default({ sameNode: 0.00005, crossNode: 0.0002, crossZone: 0.001 }),
    nsPerRule: z
      .number()
      .nonnegative()
      .finite()
      .optional()
      .describe('First-packet cost per iptables rule traversed, in ns (default derived from published measurements).'),
    lookupNs: z
      .number()
      .nonnegative()
      .finite()
      .optional()
      .describe('First-packet cost of an nftables map / IPVS hash lookup, in ns (default documented in OpenAPI).'),
  })
  .describe('Constants of the latency model.');

export const Budget = z
  .strictObject({
    maxEvents: z
      .number()
      .int()
      .min(1000)
      .optional()
      .describe('Event budget of one run (default and ceiling set by the server).'),
  })
  .describe('Limits of one run.');

/**
 * `cluster` may also be text: what `kubectl get nodes,services,endpointslices -A -o yaml` (or `-o json`)
 * printed, or a multi-document YAML stream of Kubernetes objects, pasted as one string.
 */
const ClusterText = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseYamlStream(text);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: `not valid YAML or JSON (${describeYamlProblem(parsed.problem)})` });
      return z.NEVER;
    }
    return parsed.docs.length === 1 ? parsed.docs[0] : parsed.docs;
  })
  .pipe(ClusterSnapshot);

export const ClusterSnapshotField = z
  .union([ClusterSnapshot, ClusterText])
  .describe(
    'The cluster snapshot: kubectl’s List (JSON or YAML), its items as an array, the compact form, or any of these as text (a YAML multi-document stream is fine).',
  );

export const scenarioShape = {
  cluster: ClusterSnapshotField,
  target: Target.optional(),
  proxy: ProxySettings.default({
    mode: 'iptables',
    ipvs: { scheduler: 'rr', flags: [], tcpTimeout: 900, tcpFinTimeout: 120 },
    masqueradeAll: false,
    conntrack: { maxPerCore: 32768, min: 131072, timeWait: 120 },
  }),
  traffic: Traffic,
  backends: Backends.default({ concurrency: 32, speed: 1, queueLimit: null, overrides: [] }),
  requirements: Requirements.default({ stickySessions: false, preserveSourceIP: false }),
  calibration: Calibration.default({ rtt: { sameNode: 0.00005, crossNode: 0.0002, crossZone: 0.001 } }),
  replications: z
    .number()
    .int()
    .min(1)
    .max(30)
    .default(1)
    .describe('Independent runs with derived seeds; > 1 adds 95 % intervals.'),
  budget: Budget.default({}),
};

export const Scenario = z
  .strictObject(scenarioShape)
  .describe('A cluster snapshot, a traffic profile and a data-plane configuration.');

export type ScenarioInput = z.input<typeof Scenario>;
export type Scenario = z.output<typeof Scenario>;
export type Workload = z.output<typeof Workload>;
export type ClientGroup = z.output<typeof ClientGroup>;
export type ProxySettings = z.output<typeof ProxySettings>;
