// Prepares one run's model from a validated scenario: resolves the target Service port and its endpoints,
// client groups, workloads (distributions), per-endpoint server settings, the round-trip matrix, and the
// data-plane factory for the configuration being simulated. Pure: the same scenario gives the same model.

import type { EndpointServerSettings } from '../backend/servers.js';
import { DEFAULT_LOOKUP_NS, DEFAULT_NS_PER_RULE } from '../dataplane/cost.js';
import { endpointsForServicePort } from '../dataplane/endpoints.js';
import type { DataplaneConfig } from '../dataplane/kubeproxy.js';
import { CLOSE_TRAFFIC_DISTRIBUTIONS, controllerHints, topologyModeAuto, withHints } from '../dataplane/topology.js';
import { Dist } from '../engine/dist.js';
import type { Cluster, Service, ServicePort, ServicePortEndpoint } from '../scenario/cluster.js';
import { listNames, ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema.js';
import { type ResolvedClientGroup, resolveClientGroups } from '../traffic/clients.js';
import type { SimConfig } from './result.js';
import { CLASS_HTTP2, CLASS_SHORT, CLASS_WEBSOCKET } from './run.js';

export interface PreparedWorkload {
  name: string;
  cls: number;
  group: number;
  serviceTime: Dist;
  /** short: think time; http2: lifetime; websocket: session duration; null when absent. */
  aux: Dist | null;
  /** short: connections/s; http2: streams/s; websocket: sessions/s. */
  rate: number;
  /** short: requests per connection; http2: max concurrent streams; websocket: unused. */
  perConnection: number;
  /** http2: connections kept open. */
  perConnectionCount: number;
  messageRate: number;
}

/** The data-plane configuration of one candidate: the proxy mode and the target Service's options. */
export interface Candidate {
  mode: 'iptables' | 'nftables' | 'ipvs';
  scheduler?: string | undefined;
  sessionAffinity?: 'None' | 'ClientIP' | undefined;
  externalTrafficPolicy?: 'Cluster' | 'Local' | undefined;
  internalTrafficPolicy?: 'Cluster' | 'Local' | undefined;
  trafficDistribution?: string | null | undefined;
}

export interface SimModel {
  config: SimConfig;
  cluster: Cluster;
  service: Service;
  port: ServicePort;
  endpoints: ServicePortEndpoint[];
  /** Node index of each endpoint (-1 when its node is not in the snapshot). */
  endpointNode: Int32Array;
  groups: ResolvedClientGroup[];
  workloads: PreparedWorkload[];
  servers: EndpointServerSettings[];
  weights: Int32Array;
  /** Round trip (s) from deciding node n to endpoint e at [n * E + e]. */
  rtt: Float64Array;
  firstPacketSecondsPerRule: number;
  lookupSeconds: number;
  ipvsIdleTimeout: number;
  duration: number;
  warmup: number;
  maxEvents: number;
  dataplaneConfig: DataplaneConfig;
}

function withCandidate(svc: Service, cand: Candidate): Service {
  return {
    ...svc,
    sessionAffinity: cand.sessionAffinity ?? svc.sessionAffinity,
    externalTrafficPolicy: cand.externalTrafficPolicy ?? svc.externalTrafficPolicy,
    internalTrafficPolicy: cand.internalTrafficPolicy ?? svc.internalTrafficPolicy,
    trafficDistribution: cand.trafficDistribution === undefined ? svc.trafficDistribution : cand.trafficDistribution,
  };
}

export function prepareModel(
  scenario: Scenario,
  cluster: Cluster,
  target: { service: Service; port: ServicePort },
  candidate: Candidate,
  maxEvents: number,
): SimModel {
  const issues: ScenarioIssue[] = [];
  const service = withCandidate(target.service, candidate);
  // The candidate's Service options apply to the target Service inside this run's copy of the cluster.
  const runCluster: Cluster = {
    ...cluster,
    services: cluster.services.map((s) => (s === target.service ? service : s)),
  };
  const zoneOfNode = new Map(cluster.nodes.map((n) => [n.name, n.zone]));
  // The EndpointSlice controller copies the node's zone into each endpoint; a hand-written slice may omit it.
  let endpoints = endpointsForServicePort(runCluster, service, target.port).map((e) =>
    e.zone === null && e.nodeName !== null ? { ...e, zone: zoneOfNode.get(e.nodeName) ?? null } : e,
  );
  // Hints are what the EndpointSlice controller wrote. A candidate that changes trafficDistribution, or a
  // snapshot that asks for hints but carries none (a compact form typed by hand), gets them recomputed.
  const asksForHints =
    topologyModeAuto(service) ||
    (service.trafficDistribution !== null && CLOSE_TRAFFIC_DISTRIBUTIONS.includes(service.trafficDistribution));
  if (candidate.trafficDistribution !== undefined || (asksForHints && endpoints.every((e) => e.zoneHints === null))) {
    endpoints = withHints(endpoints, controllerHints(endpoints, service, cluster.nodes));
  }
  const nodeIndex = new Map(cluster.nodes.map((n, i) => [n.name, i]));
  const endpointNode = Int32Array.from(endpoints, (e) =>
    e.nodeName === null ? -1 : (nodeIndex.get(e.nodeName) ?? -1),
  );
  const groups = resolveClientGroups(
    scenario.traffic.clients,
    cluster,
    endpoints.map((e, i) => ({ address: e.address, nodeIndex: endpointNode[i] as number })),
    issues,
  );
  const groupIndex = new Map(groups.map((g, i) => [g.name, i]));
  const workloads: PreparedWorkload[] = scenario.traffic.workloads.map((w, i) => {
    let group = 0;
    if (w.client !== undefined) {
      const g = groupIndex.get(w.client);
      if (g === undefined) {
        issues.push({
          path: `traffic.workloads[${i}].client`,
          message: `no client group "${w.client}"; groups are ${listNames(groups.map((x) => x.name))}`,
        });
      } else group = g;
    }
    const serviceTime = new Dist(w.serviceTime);
    const base = { name: w.name ?? `${w.class}-${i}`, group, serviceTime, messageRate: 0, perConnectionCount: 0 };
    switch (w.class) {
      case 'short':
        return {
          ...base,
          cls: CLASS_SHORT,
          aux: w.thinkTime === undefined ? null : new Dist(w.thinkTime),
          rate: w.rate / w.requestsPerConnection,
          perConnection: w.requestsPerConnection,
        };
      case 'http2':
        return {
          ...base,
          cls: CLASS_HTTP2,
          aux: w.lifetime === undefined ? null : new Dist(w.lifetime),
          rate: w.streamRate,
          perConnection: w.maxConcurrentStreams,
          perConnectionCount: w.connections,
        };
      default:
        return {
          ...base,
          cls: CLASS_WEBSOCKET,
          aux: new Dist(w.duration),
          rate: w.rate,
          perConnection: 0,
          messageRate: w.messageRate,
        };
    }
  });

  // Per-endpoint servers: defaults, then overrides by address or pod name.
  const b = scenario.backends;
  const servers: EndpointServerSettings[] = endpoints.map(() => ({
    concurrency: b.concurrency,
    speed: b.speed,
    queueLimit: b.queueLimit ?? -1,
  }));
  // kube-proxy's IPVS weights: 1, or 0 while terminating (graceful termination, pkg/proxy/ipvs/proxier.go).
  const weights = Int32Array.from(endpoints, (e) => (e.conditions.ready ? 1 : 0));
  b.overrides.forEach((o, i) => {
    let matched = false;
    endpoints.forEach((e, k) => {
      if (e.address !== o.endpoint && e.podName !== o.endpoint) return;
      matched = true;
      const s = servers[k] as EndpointServerSettings;
      if (o.concurrency !== undefined) s.concurrency = o.concurrency;
      if (o.speed !== undefined) s.speed = o.speed;
      if (o.queueLimit !== undefined) s.queueLimit = o.queueLimit ?? -1;
      if (o.weight !== undefined) weights[k] = o.weight;
    });
    if (!matched) {
      issues.push({
        path: `backends.overrides[${i}].endpoint`,
        message: `no endpoint "${o.endpoint}" behind ${service.namespace}/${service.name}; endpoints are ${listNames(
          endpoints.map((e) => e.podName ?? e.address),
        )}`,
      });
    }
  });
  if (issues.length > 0) throw new ScenarioError(issues);

  // Round trips by placement: same node, same zone, other zone (spec/model.md §4).
  const N = cluster.nodes.length;
  const E = endpoints.length;
  const rtt = new Float64Array(N * E);
  const r = scenario.calibration.rtt;
  for (let n = 0; n < N; n++) {
    const zone = cluster.nodes[n]?.zone ?? null;
    for (let e = 0; e < E; e++) {
      const en = endpointNode[e] as number;
      const ez = endpoints[e]?.zone ?? null;
      rtt[n * E + e] = en === n ? r.sameNode : zone !== null && ez !== null && zone !== ez ? r.crossZone : r.crossNode;
    }
  }

  const duration = scenario.traffic.duration;
  const warmup = scenario.traffic.warmup ?? duration * 0.1;
  const mode = candidate.mode;
  const scheduler = mode === 'ipvs' ? (candidate.scheduler ?? scenario.proxy.ipvs.scheduler) : null;
  const dataplaneConfig: DataplaneConfig = {
    mode,
    scheduler,
    ipvsFlags: scenario.proxy.ipvs.flags,
    ipvsFinTimeout: scenario.proxy.ipvs.tcpFinTimeout,
    clusterCIDR: scenario.proxy.clusterCIDR ?? null,
    masqueradeAll: scenario.proxy.masqueradeAll,
    conntrack: scenario.proxy.conntrack,
  };
  const nsPerRule = scenario.calibration.nsPerRule ?? DEFAULT_NS_PER_RULE;
  const lookupNs = scenario.calibration.lookupNs ?? DEFAULT_LOOKUP_NS;
  const model: SimModel = {
    config: {
      mode,
      scheduler,
      service: `${service.namespace}/${service.name}`,
      port: target.port.name === '' ? String(target.port.port) : target.port.name,
      sessionAffinity: service.sessionAffinity,
      internalTrafficPolicy: service.internalTrafficPolicy,
      externalTrafficPolicy: service.externalTrafficPolicy,
      trafficDistribution: service.trafficDistribution,
    },
    cluster: runCluster,
    service,
    port: target.port,
    endpoints,
    endpointNode,
    groups,
    workloads,
    servers,
    weights,
    rtt,
    firstPacketSecondsPerRule: mode === 'iptables' ? nsPerRule * 1e-9 : 0,
    lookupSeconds: mode === 'iptables' ? 0 : lookupNs * 1e-9,
    ipvsIdleTimeout: mode === 'ipvs' ? scenario.proxy.ipvs.tcpTimeout : Number.POSITIVE_INFINITY,
    duration,
    warmup,
    maxEvents,
    dataplaneConfig,
  };
  return model;
}
