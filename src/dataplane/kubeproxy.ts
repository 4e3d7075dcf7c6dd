// kube-proxy's data plane for one Service port across the cluster: on every node, the rules (or IPVS
// virtual services) that node's kube-proxy programs, with that node's own state — iptables recent lists,
// nftables affinity sets, IPVS schedulers and connection counters, the conntrack table, the position of
// the Service in KUBE-SERVICES. Nothing is shared between nodes (spec/model.md §1, §3). The simulator
// calls `connect` for every new connection and reports its lifecycle; counters feed the result's
// `dataplane` block.

import { grownF64 } from '../engine/arrays.js';
import type { Rng, Streams } from '../engine/rng.js';
import type { Cluster, Node, Service, ServicePort, ServicePortEndpoint } from '../scenario/cluster.js';
import { IptablesRecentLists, NftAffinitySets } from './affinity.js';
import { ConntrackTable, conntrackMax, nodeCPUs } from './conntrack.js';
import {
  IptablesRuleLayout,
  iptablesFirstPacketRules,
  ipvsFirstPacketRules,
  nftablesFirstPacketRules,
  type PathSpec,
  summarizeServicePorts,
} from './cost.js';
import { type ClientKind, categorizeEndpoints, decideForNode, type Entry, type NodeDecision } from './eligibility.js';
import { primaryIPFamily, sortedForKubeProxy } from './endpoints.js';
import { formatIPv4, parseIPv4 } from './ip.js';
import { IptablesServiceChain } from './iptables.js';
import { IpvsService, type SchedulerName } from './ipvs/index.js';
import { type NatOutcome, translateConnection } from './nat.js';
import { NftablesServiceChain } from './nftables.js';

export type Mode = 'iptables' | 'nftables' | 'ipvs';

export interface DataplaneConfig {
  mode: Mode;
  scheduler: string | null;
  ipvsFlags: readonly string[];
  ipvsFinTimeout: number;
  clusterCIDR: string | null;
  masqueradeAll: boolean;
  conntrack: { maxPerCore: number; min: number; timeWait: number };
}

/** What the data plane needs of a prepared model (sim/model.ts builds it). */
export interface DataplaneInput {
  cluster: Cluster;
  service: Service;
  port: ServicePort;
  endpoints: ServicePortEndpoint[];
  weights: Int32Array;
  dataplaneConfig: DataplaneConfig;
}

export const ENTRY_CLUSTER_IP = 0;
export const ENTRY_NODE_PORT = 1;
export const ENTRY_LOAD_BALANCER = 2;
const ENTRIES: Entry[] = ['clusterIP', 'nodePort', 'loadBalancer'];

export const DROP_NO_ENDPOINTS = -1;
export const DROP_NO_LOCAL_ENDPOINT = -2;
export const DROP_CONNTRACK_FULL = -3;
export const DROP_IPVS_NO_DESTINATION = -4;

/** How a connection ended, for IPVS's accounting. */
export const CLOSE_NEVER_ESTABLISHED = 0;
export const CLOSE_ESTABLISHED = 1;
export const CLOSE_IPVS_EXPIRED = 2;

/** kube-proxy's iptables syncPeriod default (30 s): every sync rewrites KUBE-SERVICES in a new map order. */
const SYNC_PERIOD = 30;

/** One node's path for one entry (ClusterIP, NodePort, LB): the decision and the chooser of that chain. */
interface Route {
  dropCode: number;
  chain: IptablesServiceChain | NftablesServiceChain | null;
  ipvs: IpvsService | null;
  /** The virtual address the client dialled (IPVS dh hashes it). */
  vip: number;
  spec: PathSpec;
  nat: (NatOutcome | undefined)[];
  /** New connections forwarded to each endpoint through this route since the start (ipvsadm --stats "Conns"). */
  conns: Float64Array;
}

/** Counters of one run (summed over replications by `report`). */
export interface DataplaneCounters {
  newConnections: number;
  dropNoEndpoints: number;
  dropNoLocal: number;
  dropConntrack: number;
  dropIpvsNoDest: number;
  snat: number;
  sourcePreserved: number;
  crossNode: number;
  crossZone: number;
  hairpin: number;
  affinityHits: number;
  ipvsIdleExpired: number;
  rulesSum: number;
}

function zeroCounters(): DataplaneCounters {
  return {
    newConnections: 0,
    dropNoEndpoints: 0,
    dropNoLocal: 0,
    dropConntrack: 0,
    dropIpvsNoDest: 0,
    snat: 0,
    sourcePreserved: 0,
    crossNode: 0,
    crossZone: 0,
    hairpin: 0,
    affinityHits: 0,
    ipvsIdleExpired: 0,
    rulesSum: 0,
  };
}

const IPVS_FLAG_NAMES = new Set(['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback']);

export class Dataplane {
  readonly counters: DataplaneCounters = zeroCounters();
  /** Rules the last `connect` evaluated (0 for a drop before the rules). */
  lastRules = 0;
  /** Whether the last `connect` was decided by a remembered ClientIP affinity entry. */
  lastByAffinity = false;
  /** Rules per new connection: counts[rules] (measured connections only). */
  rulesHistogram = new Float64Array(64);
  readonly nodeNew: Float64Array;
  readonly nodeDropped: Float64Array;
  readonly conntrack: ConntrackTable[];
  readonly conntrackCapacity: Float64Array;

  private readonly input: DataplaneInput;
  private readonly streams: Streams;
  private readonly pickRng: Rng[];
  private readonly syncRng: Rng[];
  private readonly layouts: (IptablesRuleLayout | null)[];
  private readonly nextSync: Float64Array;
  private readonly routes: (Route | null)[];
  private readonly recent: (IptablesRecentLists | null)[];
  private readonly nftSets: (NftAffinitySets | null)[];
  private readonly nodes: Node[];
  private readonly nodesByName: Map<string, Node>;
  private readonly endpointNode: Int32Array;
  private readonly E: number;
  private readonly localDetector: boolean;
  private readonly family;
  private readonly affinity: boolean;
  private summaries: ReturnType<typeof summarizeServicePorts> | null = null;

  constructor(input: DataplaneInput, streams: Streams) {
    this.input = input;
    this.streams = streams;
    const nodes = input.cluster.nodes;
    this.nodes = nodes;
    this.nodesByName = new Map(nodes.map((n) => [n.name, n]));
    const N = nodes.length;
    this.E = input.endpoints.length;
    this.family = primaryIPFamily(input.service);
    this.localDetector = input.dataplaneConfig.clusterCIDR !== null;
    this.affinity = input.service.sessionAffinity === 'ClientIP';
    this.endpointNode = Int32Array.from(input.endpoints, (e) => nodes.findIndex((n) => n.name === e.nodeName));
    this.pickRng = nodes.map((n) => streams.get(`dataplane/${n.name}`));
    this.syncRng = nodes.map((n) => streams.get(`sync/${n.name}`));
    this.layouts = nodes.map(() => null);
    this.nextSync = new Float64Array(N);
    this.routes = new Array<Route | null>(N * 3).fill(null);
    this.recent = nodes.map(() => null);
    this.nftSets = nodes.map(() => null);
    this.nodeNew = new Float64Array(N);
    this.nodeDropped = new Float64Array(N);
    const ct = input.dataplaneConfig.conntrack;
    this.conntrackCapacity = Float64Array.from(
      nodes,
      (n) => conntrackMax({ maxPerCore: ct.maxPerCore, min: ct.min }, nodeCPUs(n)) ?? Number.MAX_SAFE_INTEGER,
    );
    this.conntrack = nodes.map((_, i) => new ConntrackTable(this.conntrackCapacity[i] as number, ct.timeWait));
  }

  /**
   * A new connection's first packet meets the rules of `node`: returns the endpoint index, or a DROP_* code.
   * `entry`: ENTRY_*; `clientKind`: 0 pod, 1 external; `srcEndpoint`: the endpoint the client pod is, or -1.
   */
  connect(
    now: number,
    node: number,
    clientKind: number,
    entry: number,
    src: number,
    srcPort: number,
    srcEndpoint: number,
    measured: boolean,
  ): number {
    const c = this.counters;
    this.lastRules = 0;
    this.lastByAffinity = false;
    const route = this.routes[node * 3 + entry] ?? this.buildRoute(node, entry, clientKind);
    if (measured) {
      c.newConnections++;
      this.nodeNew[node] = (this.nodeNew[node] as number) + 1;
    }
    // The conntrack entry is created before NAT: a full table drops the packet first (nf_conntrack_core.c).
    if (!(this.conntrack[node] as ConntrackTable).tryOpen(now)) return this.drop(node, DROP_CONNTRACK_FULL, measured);
    if (route.dropCode < 0) {
      (this.conntrack[node] as ConntrackTable).close(now);
      return this.drop(node, route.dropCode, measured);
    }
    const rng = this.pickRng[node] as Rng;
    let e: number;
    let chainRules: number;
    if (route.ipvs !== null) {
      const slot = route.ipvs.schedule(now, src, srcPort, route.vip);
      if (slot < 0) {
        (this.conntrack[node] as ConntrackTable).close(now);
        return this.drop(node, DROP_IPVS_NO_DESTINATION, measured);
      }
      e = route.ipvs.endpointIdOf(slot);
      chainRules = 0;
    } else {
      const chain = route.chain as IptablesServiceChain | NftablesServiceChain;
      e = chain.pick(src, now, rng);
      chainRules = chain.lastRulesEvaluated;
      this.lastByAffinity = chain.lastByAffinity;
    }
    route.conns[e] = (route.conns[e] as number) + 1;
    const hairpin = srcEndpoint === e ? 1 : 0;
    const nat = route.nat[e * 2 + hairpin] ?? this.natFor(route, node, e, clientKind, entry, hairpin === 1);
    const mode = this.input.dataplaneConfig.mode;
    let rules: number;
    if (mode === 'iptables') {
      const layout = this.layouts[node] as IptablesRuleLayout;
      if (now >= (this.nextSync[node] as number)) {
        layout.sampleSync(this.syncRng[node] as Rng);
        this.nextSync[node] = (Math.floor(now / SYNC_PERIOD) + 1) * SYNC_PERIOD;
      }
      rules = iptablesFirstPacketRules(layout, route.spec, chainRules, nat);
    } else if (mode === 'nftables') rules = nftablesFirstPacketRules(route.spec, this.input.service, chainRules, nat);
    else rules = ipvsFirstPacketRules(route.spec, nat);
    this.lastRules = rules;
    if (measured) {
      c.rulesSum += rules;
      if (rules >= this.rulesHistogram.length) this.growRules(rules);
      this.rulesHistogram[rules] = (this.rulesHistogram[rules] as number) + 1;
      if (nat.snat) c.snat++;
      if (nat.sourceIPPreserved) c.sourcePreserved++;
      if (nat.crossNode) c.crossNode++;
      if (nat.crossZone) c.crossZone++;
      if (nat.hairpin) c.hairpin++;
      if (this.lastByAffinity) c.affinityHits++;
    }
    return e;
  }

  /** The handshake completed (IPVS: the connection turns active). */
  established(node: number, entry: number, e: number): void {
    const ipvs = this.routes[node * 3 + entry]?.ipvs ?? null;
    if (ipvs !== null) ipvs.established(ipvs.slotOf(e));
  }

  /** The connection closed at `now` (state: CLOSE_*). Its conntrack entry lingers for TIME_WAIT. */
  close(now: number, node: number, entry: number, e: number, src: number, state: number): void {
    (this.conntrack[node] as ConntrackTable).close(now);
    const ipvs = this.routes[node * 3 + entry]?.ipvs ?? null;
    if (ipvs === null || state === CLOSE_IPVS_EXPIRED) return;
    const slot = ipvs.slotOf(e);
    if (state === CLOSE_ESTABLISHED) ipvs.closed(now, slot, src);
    else ipvs.abandoned(now, slot, src);
  }

  /** IPVS expired the idle ESTABLISHED connection at `now` (ip_vs_conn_expire after the 900 s timeout). */
  expireIdle(now: number, node: number, entry: number, e: number, src: number, measured: boolean): void {
    const ipvs = this.routes[node * 3 + entry]?.ipvs ?? null;
    if (ipvs === null) return;
    ipvs.expiredIdle(now, ipvs.slotOf(e), src);
    if (measured) this.counters.ipvsIdleExpired++;
  }

  /** The node's IPVS virtual service for an entry, if that route was used (for `ipvsadm -Ln` renderings). */
  ipvsService(node: number, entry: number): IpvsService | null {
    return this.routes[node * 3 + entry]?.ipvs ?? null;
  }

  /** Connections forwarded to endpoint e through the node's entry since the start (0 if never used). */
  connectionsVia(node: number, entry: number, e: number): number {
    return this.routes[node * 3 + entry]?.conns[e] ?? 0;
  }

  private drop(node: number, code: number, measured: boolean): number {
    if (measured) {
      const c = this.counters;
      this.nodeDropped[node] = (this.nodeDropped[node] as number) + 1;
      if (code === DROP_NO_ENDPOINTS) c.dropNoEndpoints++;
      else if (code === DROP_NO_LOCAL_ENDPOINT) c.dropNoLocal++;
      else if (code === DROP_CONNTRACK_FULL) c.dropConntrack++;
      else c.dropIpvsNoDest++;
    }
    return code;
  }

  private growRules(rules: number): void {
    let n = this.rulesHistogram.length;
    while (n <= rules) n *= 2;
    this.rulesHistogram = grownF64(this.rulesHistogram, n);
  }

  private natFor(
    route: Route,
    node: number,
    e: number,
    clientKind: number,
    entry: number,
    hairpin: boolean,
  ): NatOutcome {
    const endpoint = this.input.endpoints[e] as ServicePortEndpoint;
    // Pods live in the pod CIDR, so a representative pod source is inside --cluster-cidr; a hairpin client is
    // the endpoint itself. External clients are outside it.
    const clientAddress = hairpin
      ? endpoint.address
      : clientKind === 0
        ? podAddressIn(this.input.dataplaneConfig.clusterCIDR)
        : '100.64.0.1';
    const nat = translateConnection({
      client: clientKind === 0 ? 'pod' : 'external',
      clientAddress,
      entry: ENTRIES[entry] as Entry,
      decidingNode: this.nodes[node] as Node,
      endpoint,
      service: this.input.service,
      proxy: {
        masqueradeAll: this.input.dataplaneConfig.masqueradeAll,
        clusterCIDR: this.input.dataplaneConfig.clusterCIDR,
      },
      nodesByName: this.nodesByName,
    });
    route.nat[e * 2 + (hairpin ? 1 : 0)] = nat;
    return nat;
  }

  private buildRoute(node: number, entry: number, clientKind: number): Route {
    const { service, port, endpoints, dataplaneConfig: cfg } = this.input;
    const n = this.nodes[node] as Node;
    const cat = categorizeEndpoints(endpoints, service, n, { port, family: this.family });
    const client: ClientKind = clientKind === 0 ? 'pod' : 'external';
    const decision: NodeDecision = decideForNode(cat, service, port, ENTRIES[entry] as Entry, client, {
      localDetector: this.localDetector,
    });
    const spec: PathSpec = {
      entry: ENTRIES[entry] as Entry,
      client,
      chain: decision.kind === 'forward' ? decision.chain : 'cluster',
      localDetector: this.localDetector,
      masqueradeAll: cfg.masqueradeAll,
      affinity: this.affinity,
    };
    const route: Route = {
      dropCode: 0,
      chain: null,
      ipvs: null,
      vip: this.vipOf(node, entry),
      spec,
      nat: new Array<NatOutcome | undefined>(this.E * 2),
      conns: new Float64Array(this.E),
    };
    if (cfg.mode === 'iptables' && this.layouts[node] === null) this.layouts[node] = this.layoutFor(node);
    if (decision.kind === 'drop') {
      route.dropCode = decision.reason === 'noEndpoints' ? DROP_NO_ENDPOINTS : DROP_NO_LOCAL_ENDPOINT;
    } else if (cfg.mode === 'ipvs') {
      route.ipvs = this.ipvsFor(node, entry, decision.candidates);
    } else {
      // kube-proxy writes the chain's endpoints sorted by "ip:port" (endpointslicecache), not in slice order.
      const chosen = decision.candidates.map((i) => endpoints[i] as ServicePortEndpoint);
      const ids = sortedForKubeProxy(chosen).map((ep) => ep.index);
      const timeout = service.sessionAffinityTimeoutSeconds;
      if (cfg.mode === 'iptables') {
        let lists: IptablesRecentLists | null = null;
        if (this.affinity) {
          lists = this.recent[node] ?? new IptablesRecentLists();
          this.recent[node] = lists;
        }
        route.chain = new IptablesServiceChain(ids, lists, timeout);
      } else {
        let sets: NftAffinitySets | null = null;
        if (this.affinity) {
          sets = this.nftSets[node] ?? new NftAffinitySets();
          this.nftSets[node] = sets;
        }
        route.chain = new NftablesServiceChain(ids, sets, timeout);
      }
    }
    this.routes[node * 3 + entry] = route;
    return route;
  }

  /**
   * The node's IPVS virtual service for this entry, with its real servers added in a seeded random order:
   * kube-proxy adds them from an unordered set (pkg/proxy/ipvs/proxier.go, `newEndpoints.UnsortedList()`)
   * and the kernel links each new one at the head of the list (ip_vs_ctl.c `list_add_rcu`). Terminating
   * endpoints stay as weight-0 real servers (graceful termination).
   */
  private ipvsFor(node: number, entry: number, candidates: readonly number[]): IpvsService {
    const { service, endpoints, weights, dataplaneConfig: cfg } = this.input;
    const flags = cfg.ipvsFlags.filter((f) => IPVS_FLAG_NAMES.has(f));
    const ipvs = new IpvsService({
      scheduler: (cfg.scheduler ?? 'rr') as SchedulerName,
      flags: { fallback: flags.some((f) => f.endsWith('-fallback')), port: flags.some((f) => f.endsWith('-port')) },
      persistentTimeout: this.affinity ? service.sessionAffinityTimeoutSeconds : 0,
      finTimeout: cfg.ipvsFinTimeout,
      capacity: candidates.length,
    });
    const local = this.routesLocal(candidates, node);
    const members: { e: number; weight: number }[] = candidates.map((e) => ({ e, weight: weights[e] as number }));
    endpoints.forEach((ep, e) => {
      if (
        ep.conditions.terminating &&
        ep.conditions.serving &&
        !candidates.includes(e) &&
        (!local || this.endpointNode[e] === node)
      ) {
        members.push({ e, weight: 0 });
      }
    });
    const rng = this.streams.get(`ipvs-order/${this.nodes[node]?.name}/${entry}`);
    for (let i = members.length - 1; i > 0; i--) {
      const k = rng.int(i + 1);
      const t = members[i] as { e: number; weight: number };
      members[i] = members[k] as { e: number; weight: number };
      members[k] = t;
    }
    for (const m of members) {
      const ep = endpoints[m.e] as ServicePortEndpoint;
      ipvs.addDest(m.e, parseIPv4(ep.address), ep.port, m.weight);
    }
    return ipvs;
  }

  /** Whether every candidate is on `node` (a Local policy chain), so weight-0 extras must be local too. */
  private routesLocal(candidates: readonly number[], node: number): boolean {
    return candidates.length > 0 && candidates.every((e) => this.endpointNode[e] === node);
  }

  private vipOf(node: number, entry: number): number {
    const svc = this.input.service;
    let address: string | undefined;
    if (entry === ENTRY_CLUSTER_IP) address = svc.clusterIPs[0];
    else if (entry === ENTRY_LOAD_BALANCER) address = svc.loadBalancerIPs[0];
    else address = this.nodes[node]?.internalIPs[0];
    return address !== undefined && !address.includes(':') ? parseIPv4(address) : 0;
  }

  private layoutFor(node: number): IptablesRuleLayout {
    this.summaries ??= summarizeServicePorts(this.input.cluster, this.family);
    const target = this.summaries.findIndex(
      (s) =>
        s.service.namespace === this.input.service.namespace &&
        s.service.name === this.input.service.name &&
        s.port === this.input.port,
    );
    const name = (this.nodes[node] as Node).name;
    return new IptablesRuleLayout(this.summaries, Math.max(0, target), name, this.streams.get(`hash-order/${name}`));
  }
}

function podAddressIn(clusterCIDR: string | null): string {
  if (clusterCIDR === null) return '10.128.0.1';
  const first = clusterCIDR
    .split(',')
    .map((s) => s.trim())
    .find((s) => !s.includes(':'));
  if (first === undefined) return '10.128.0.1';
  const [addr, prefix] = first.split('/');
  const base = parseIPv4(addr as string);
  const size = 2 ** (32 - Number(prefix));
  return formatIPv4((base + Math.min(1, size - 1)) >>> 0);
}
