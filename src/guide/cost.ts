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
  summarizeServicePorts,
} from '../dataplane/cost.js';
import { categorizeEndpoints, decideForNode, type Entry, reachableVia } from '../dataplane/eligibility.js';
import { primaryIPFamily } from '../dataplane/endpoints.js';
import type { NatOutcome } from '../dataplane/nat.js';
import { Rng } from '../engine/rng.js';
import type { Cluster, Node, Service, ServicePort } from '../scenario/cluster.js';
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
  const summaries = summarizeServicePorts(cluster, family, new Set([...deciding.values()].map((n) => n.name)));
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
