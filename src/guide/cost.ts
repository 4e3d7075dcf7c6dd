// First-packet cost of iptables against a hash lookup (G5, C3, the nftables note): the data-plane cost
// model (src/dataplane/cost.ts) at its expectation, for the target Service port as each client group
// reaches it. iptables tests a new connection against the rules on its path — KUBE-SERVICES up to the
// target's block (half the other Service ports' rules on average, Go map order; all of them for a
// NodePort), the KUBE-SVC cascade, the KUBE-SEP chain and the filter chains — at `calibration.nsPerRule`
// each; nftables and IPVS look the Service up in a hash at a constant `calibration.lookupNs`.

import {
  DEFAULT_LOOKUP_NS,
  DEFAULT_NS_PER_RULE,
  expectedCascadeRules,
  IptablesRuleLayout,
  iptablesExpectedFirstPacketRules,
  type PathSpec,
  type ServicePortRules,
} from '../dataplane/cost.js';
import {
  categorizeEndpoints,
  decideForNode,
  type Entry,
  externalIPsOf,
  externalPolicyLocal,
  internalPolicyLocal,
  loadBalancerIPsOf,
  reachableVia,
} from '../dataplane/eligibility.js';
import { endpointSliceIndex, primaryIPFamily } from '../dataplane/endpoints.js';
import { addressFamily } from '../dataplane/ip.js';
import type { NatOutcome } from '../dataplane/nat.js';
import { Rng } from '../engine/rng.js';
import {
  type Cluster,
  type IPFamily,
  type Node,
  type Service,
  type ServicePort,
  serviceKey,
} from '../scenario/cluster.js';
import type { Scenario } from '../scenario/schema.js';
import type { TrafficProfile } from '../traffic/profile.js';

export interface FirstPacketCost {
  /** Service ports the proxier of the target's IP family programs. */
  servicePorts: number;
  /** Expected iptables rules a new connection traverses, averaged over client groups by connection rate. */
  iptablesRules: number;
  nsPerRule: number;
  /** iptablesRules × nsPerRule. */
  iptablesNs: number;
  /** nftables verdict-map / IPVS hash lookup. */
  lookupNs: number;
  /** CPU seconds per second the first packets cost at the profile's connection rate (all deciding nodes). */
  iptablesCpuPerSecond: number;
  lookupCpuPerSecond: number;
}

/** Entry of a client group's first packet. */
function entryOf(kind: 'pod' | 'external', via: 'nodePort' | 'loadBalancer' | null): Entry {
  if (kind === 'pod') return 'clusterIP';
  return via === 'nodePort' ? 'nodePort' : 'loadBalancer';
}

/**
 * What summarizeServicePorts (src/dataplane/cost.ts) gives the rule layout, without assembling every
 * endpoint of every Service port (100 000 endpoint copies on a 10 000-Service snapshot, most of a second):
 * per Service port, whether some endpoint is usable — the scan stops at the first one — and, only for
 * Services with a Local traffic policy (the only ones whose rules depend on it), which of `nodes` (the
 * deciding nodes asked about) host one. Same filters as endpointsForServicePort: slices of the proxier's
 * family, slice ports matching the Service port by name and protocol with a non-zero port, addresses of
 * the family. (Where two slices list one address with different conditions, kube-proxy keeps one copy;
 * here any usable copy counts, which only differs while the EndpointSlice controller moves an endpoint
 * between slices.)
 */
function servicePortRules(cluster: Cluster, family: IPFamily, nodes: ReadonlySet<string>): ServicePortRules[] {
  const slicesByService = endpointSliceIndex(cluster).slicesByService;
  const out: ServicePortRules[] = [];
  const none: ReadonlySet<string> = new Set();
  for (const service of cluster.services) {
    if (service.type === 'ExternalName') continue;
    if (!service.clusterIPs.some((ip) => addressFamily(ip) === family)) continue;
    const slices = slicesByService.get(serviceKey(service)) ?? [];
    const externalIPs = externalIPsOf(service, family).length;
    const loadBalancerIPs = loadBalancerIPsOf(service, family).length;
    const itpLocal = internalPolicyLocal(service);
    const etpLocal = externalPolicyLocal(service);
    const needLocal = itpLocal || etpLocal;
    for (const port of service.ports) {
      let hasEndpoints = false;
      const local = needLocal ? new Set<string>() : none;
      scan: for (const slice of slices) {
        if (slice.addressType !== family) continue;
        for (const p of slice.ports) {
          if (p.port === 0 || p.name !== port.name || p.protocol !== port.protocol) continue;
          for (const ep of slice.endpoints) {
            const c = ep.conditions;
            if (!(c.ready || (c.serving && c.terminating)) || ep.address === '' || addressFamily(ep.address) !== family)
              continue;
            hasEndpoints = true;
            if (!needLocal) break scan;
            if (ep.nodeName !== null && nodes.has(ep.nodeName)) (local as Set<string>).add(ep.nodeName);
          }
        }
      }
      out.push({
        service,
        port,
        externalIPs,
        loadBalancerIPs,
        nodePort: port.nodePort !== 0,
        firewall: loadBalancerIPs > 0 && service.loadBalancerSourceRanges.length > 0,
        hasEndpoints,
        localNodes: local,
        itpLocal,
        etpLocal,
      });
    }
  }
  return out;
}

export function firstPacketCost(
  scenario: Scenario,
  cluster: Cluster,
  service: Service,
  port: ServicePort,
  profile: TrafficProfile,
  nodesByName: ReadonlyMap<string, Node>,
): FirstPacketCost | null {
  const family = primaryIPFamily(service);
  // Each group's busiest node stands for it: rule counts differ between nodes only under Local policies.
  const deciding = new Map<string, Node>();
  for (const group of profile.clients) {
    let top = group.nodes[0];
    for (const n of group.nodes) if (top === undefined || n.share > top.share) top = n;
    const node = top === undefined ? undefined : nodesByName.get(top.node);
    if (node !== undefined) deciding.set(group.name, node);
  }
  const summaries = servicePortRules(cluster, family, new Set([...deciding.values()].map((n) => n.name)));
  const targetIndex = summaries.findIndex((s) => s.service === service && s.port === port);
  if (targetIndex < 0) return null;
  const nsPerRule = scenario.calibration.nsPerRule ?? DEFAULT_NS_PER_RULE;
  const lookupNs = scenario.calibration.lookupNs ?? DEFAULT_LOOKUP_NS;
  const localDetector = scenario.proxy.clusterCIDR !== undefined;
  const eps = profile.target.endpoints;
  // The expectation does not depend on the hash order the layout draws; any fixed stream will do.
  const hashOrder = new Rng(0, 'guide/hash-order');
  const layouts = new Map<string, IptablesRuleLayout>();
  let weighted = 0;
  let rate = 0;
  for (const group of profile.clients) {
    if (group.connectionsPerSecond <= 0) continue;
    const entry = entryOf(group.kind, group.via);
    if (!reachableVia(service, port, entry, family)) continue;
    const node = deciding.get(group.name);
    if (node === undefined) continue;
    const client = group.kind === 'pod' ? 'pod' : 'external';
    const decision = decideForNode(
      categorizeEndpoints(eps, service, node, { port, family }),
      service,
      port,
      entry,
      client,
      {
        localDetector,
      },
    );
    if (decision.kind === 'drop') continue;
    let layout = layouts.get(node.name);
    if (layout === undefined) {
      layout = new IptablesRuleLayout(summaries, targetIndex, node.name, hashOrder);
      layouts.set(node.name, layout);
    }
    const n = decision.candidates.length;
    const spec: PathSpec = {
      entry,
      client,
      chain: decision.chain,
      localDetector,
      masqueradeAll: scenario.proxy.masqueradeAll,
      affinity: service.sessionAffinity === 'ClientIP',
    };
    // External traffic under externalTrafficPolicy Cluster is masqueraded in KUBE-EXT (pkg/proxy/iptables/proxier.go).
    const snat = scenario.proxy.masqueradeAll || (client === 'external' && service.externalTrafficPolicy !== 'Local');
    const nat: NatOutcome = {
      snat,
      internalMasquerade: scenario.proxy.masqueradeAll && entry === 'clusterIP',
      externalMasquerade: client === 'external' && service.externalTrafficPolicy !== 'Local',
      hairpin: false,
      sourceIPPreserved: !snat,
      crossNode: false,
      crossZone: false,
    };
    const rules = iptablesExpectedFirstPacketRules(
      layout,
      spec,
      expectedCascadeRules(new Float64Array(n).fill(1 / n)),
      nat,
    );
    weighted += rules * group.connectionsPerSecond;
    rate += group.connectionsPerSecond;
  }
  if (rate === 0) return null;
  const iptablesRules = weighted / rate;
  const iptablesNs = iptablesRules * nsPerRule;
  return {
    servicePorts: summaries.length,
    iptablesRules,
    nsPerRule,
    iptablesNs,
    lookupNs,
    iptablesCpuPerSecond: iptablesNs * 1e-9 * profile.connectionsPerSecond,
    lookupCpuPerSecond: lookupNs * 1e-9 * profile.connectionsPerSecond,
  };
}
