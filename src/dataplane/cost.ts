// First-packet cost: how many of kube-proxy's rules a new connection is tested against on the deciding
// node. Later packets of the connection hit conntrack and skip the nat table entirely.
//
// iptables walks chains linearly. The dominant term is nat KUBE-SERVICES: one block of rules per Service
// port (its ClusterIP rule, one per external IP, one per LoadBalancer IP), written in the order
// syncProxyRules ranges over `proxier.svcPortMap`, a Go map. KUBE-SERVICES is rewritten on every sync
// (partial syncs skip only the per-service chains), and each range over a Go map starts at a random point
// of its hash order, so a Service's position is uniformly random and changes from sync to sync. Modelled
// as: a fixed per-node hash order of the other Service ports (one seeded shuffle) and, per sync, a uniform
// starting point on that cycle; the blocks between the start and the target precede it. Averaged over
// hash orders every other block precedes the target with probability 1/2: expected cost is the middle.
//
// nftables dispatches with one verdict-map lookup (`ip daddr . meta l4proto . th dport vmap
// @service-ips`) and IPVS with a hash lookup of the virtual service, so both cost a constant number of
// rules whatever the number of Services.

import { type Cluster, type IPFamily, type Service, type ServicePort, serviceKey } from '../scenario/cluster.js';
import type { ClientKind, Entry, PolicyChain } from './eligibility.js';
import { externalIPsOf, externalPolicyLocal, internalPolicyLocal, loadBalancerIPsOf } from './eligibility.js';
import { endpointSliceIndex } from './endpoints.js';
import { addressFamily } from './ip.js';
import type { NatOutcome } from './nat.js';
import type { RandomU32 } from './random.js';

/**
 * Default first-packet cost of one iptables rule, in ns.
 *
 * Derived from the kube-proxy first-packet latency measurements published with the Kubernetes blog post
 * "NFTables mode for kube-proxy" (kubernetes.io, 2025-02-28; data from the KubeCon NA 2024 talk "From
 * Observability to Performance"): clusters of 5 000, 10 000 and 30 000 single-port ClusterIP Services, so
 * KUBE-SERVICES holds N rules and the target's position is uniform in [0, N]. Bar heights read from the
 * chart (iptables-only.svg, µs, ±4 µs):
 *
 *   Services   p01   p50   p90   p99
 *    5 000      15    47   120   152
 *   10 000      11    62   189   257
 *   30 000      40   272   493   714
 *
 * With latency = base + ns × (rules before the target), percentile q sits at base + ns × q·N, so each
 * percentile grows with N at slope q·ns. Least-squares slopes over the three sizes: p50 9.4 ns per Service
 * → 18.9 ns/rule; p90 15.0 → 16.7 ns/rule; p99 22.6 → 22.8 ns/rule. Their spread (17–23 ns) comes from
 * cache misses growing with the ruleset; 20 ns/rule is the rounded centre. Override with
 * `calibration.nsPerRule` to re-measure against a given kernel and CPU.
 */
export const DEFAULT_NS_PER_RULE = 20;

/**
 * Default first-packet cost of the nftables path (verdict-map lookups) and of the IPVS path (ipset rules
 * and the virtual-service hash lookup), in ns, independent of the number of Services.
 *
 * From the same measurements: "in the clusters with 5000 and 10,000 Services, the average (p50) latency
 * for nftables is about the same as the best-case (p01) latency for iptables", and IPVS is on par with
 * nftables ("slightly" slower). iptables' p01 is the path with 1 % of the Services ahead of the target:
 * 50–100 KUBE-SERVICES rules plus the ~15 rules of the rest of the path, 65–115 rules × 20 ns = 1.3–2.3 µs
 * over the latency both modes share. The centre, 1.5 µs, is the constant nftables / IPVS cost.
 */
export const DEFAULT_LOOKUP_NS = 1500;

/** What one Service port contributes to the shared chains, before the per-node traffic-policy checks. */
export interface ServicePortRules {
  service: Service;
  port: ServicePort;
  externalIPs: number;
  loadBalancerIPs: number;
  nodePort: boolean;
  /** loadBalancerSourceRanges with LB IPs: a KUBE-FW chain and KUBE-PROXY-FIREWALL drop rules. */
  firewall: boolean;
  /** Some endpoint is usable (ready, or serving and terminating). */
  hasEndpoints: boolean;
  /** Nodes with a usable endpoint (they have "local endpoints" for ITP/ETP=Local). */
  localNodes: ReadonlySet<string>;
  itpLocal: boolean;
  etpLocal: boolean;
}

/**
 * Every Service port's contribution to the shared chains. Reads the slices directly instead of assembling
 * every endpoint of every port (endpointsForServicePort copies each endpoint: most of a second on a
 * 10 000-Service snapshot): per Service port, whether some endpoint is usable — the scan stops at the first
 * one — and, only for Services with a Local traffic policy (the only ones whose rules depend on it), which
 * nodes host one (restricted to `nodes` when given: the deciding nodes a caller asks about). Same filters as
 * endpointsForServicePort: slices of the proxier's family, slice ports matching the Service port by name and
 * protocol with a non-zero port, addresses of the family. (Where two slices list one address with different
 * conditions kube-proxy keeps one copy; here any usable copy counts, which only differs while the
 * EndpointSlice controller moves an endpoint between slices.)
 */
export function summarizeServicePorts(
  cluster: Cluster,
  family: IPFamily,
  nodes?: ReadonlySet<string>,
): ServicePortRules[] {
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
            if (ep.nodeName !== null && (nodes === undefined || nodes.has(ep.nodeName)))
              (local as Set<string>).add(ep.nodeName);
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

/** The rules one Service port has on one node, as syncProxyRules writes them. */
export interface NodeRuleCounts {
  /** nat KUBE-SERVICES: ClusterIP rule (if it has internal endpoints), external IP and LB IP rules (if any endpoints). */
  natServices: number;
  /** nat KUBE-NODEPORTS: one rule if it has a NodePort and endpoints. */
  natNodePorts: number;
  /** filter KUBE-SERVICES: the REJECT/DROP rule for a ClusterIP without (local) endpoints. */
  filterServices: number;
  /** filter KUBE-EXTERNAL-SERVICES: REJECT/DROP rules for external destinations without (local) endpoints. */
  filterExternal: number;
  /** filter KUBE-PROXY-FIREWALL: one DROP rule per LB IP under loadBalancerSourceRanges. */
  firewall: number;
}

export function nodeRuleCounts(s: ServicePortRules, nodeName: string): NodeRuleCounts {
  const local = s.localNodes.has(nodeName);
  const hasInternal = s.hasEndpoints && (!s.itpLocal || local);
  const hasExternal = s.hasEndpoints && (!s.etpLocal || local);
  return {
    natServices: (hasInternal ? 1 : 0) + (s.hasEndpoints ? s.externalIPs + s.loadBalancerIPs : 0),
    natNodePorts: s.nodePort && s.hasEndpoints ? 1 : 0,
    filterServices: hasInternal ? 0 : 1,
    filterExternal: hasExternal ? 0 : s.externalIPs + s.loadBalancerIPs + (s.nodePort ? 1 : 0),
    firewall: s.hasEndpoints && s.firewall ? s.loadBalancerIPs : 0,
  };
}

/** Uniform integer in [0, n) from one draw (the multiply-shift reduction nft_numgen also uses). */
function uniformBelow(rng: RandomU32, n: number): number {
  return Math.floor((rng.nextU32() * n) / 4294967296);
}

/**
 * One node's iptables rule layout around a target Service port: the other ports' blocks in the node's
 * hash order, totals of the chains a new connection scans, and the target's current position (redrawn
 * per sync with `sampleSync`).
 */
export class IptablesRuleLayout {
  /** Other Service ports (blocks that can precede the target). */
  readonly others: number;
  /** Rules of the other ports' blocks in nat KUBE-SERVICES. */
  readonly otherNatServicesRules: number;
  /** Rules of the other ports in nat KUBE-NODEPORTS. */
  readonly otherNodePortRules: number;
  /** All Service rules in nat KUBE-SERVICES (the final "service nodeports" rule excluded). */
  readonly natServicesRules: number;
  readonly filterServicesRules: number;
  readonly filterExternalRules: number;
  readonly firewallRules: number;
  /** The target's own rules on this node. */
  readonly target: NodeRuleCounts;
  readonly targetRules: ServicePortRules;
  /** Rules of the blocks before the target in KUBE-SERVICES at the current sync. */
  kubeServicesBefore = 0;
  /** Rules before the target in KUBE-NODEPORTS at the current sync (same map order). */
  nodePortsBefore = 0;
  private readonly natSuffix: Float64Array;
  private readonly nodePortSuffix: Float64Array;

  /**
   * @param summaries every Service port of the proxier (summarizeServicePorts)
   * @param targetIndex the target's index in `summaries`
   * @param nodeName the deciding node
   * @param hashOrder draws the node's fixed hash order of the other ports (one shuffle)
   */
  constructor(summaries: readonly ServicePortRules[], targetIndex: number, nodeName: string, hashOrder: RandomU32) {
    const targetRules = summaries[targetIndex];
    if (!targetRules) throw new RangeError(`no Service port at index ${targetIndex}`);
    this.targetRules = targetRules;
    this.target = nodeRuleCounts(targetRules, nodeName);
    const others = summaries.length - 1;
    this.others = others;
    const natSizes = new Uint32Array(others);
    const nodePortSizes = new Uint32Array(others);
    let filterServices = this.target.filterServices;
    let filterExternal = this.target.filterExternal;
    let firewall = this.target.firewall;
    let natOther = 0;
    let nodePortOther = 0;
    let j = 0;
    for (let i = 0; i < summaries.length; i++) {
      if (i === targetIndex) continue;
      const c = nodeRuleCounts(summaries[i]!, nodeName);
      natSizes[j] = c.natServices;
      nodePortSizes[j] = c.natNodePorts;
      natOther += c.natServices;
      nodePortOther += c.natNodePorts;
      filterServices += c.filterServices;
      filterExternal += c.filterExternal;
      firewall += c.firewall;
      j++;
    }
    this.otherNatServicesRules = natOther;
    this.otherNodePortRules = nodePortOther;
    this.natServicesRules = natOther + this.target.natServices;
    this.filterServicesRules = filterServices;
    this.filterExternalRules = filterExternal;
    this.firewallRules = firewall;

    // Fisher–Yates over the other blocks: the node's hash order.
    const order = new Uint32Array(others);
    for (let i = 0; i < others; i++) order[i] = i;
    for (let i = others - 1; i > 0; i--) {
      const k = uniformBelow(hashOrder, i + 1);
      const tmp = order[i]!;
      order[i] = order[k]!;
      order[k] = tmp;
    }
    // suffix[k]: rules of the k blocks just before the target on the cycle.
    this.natSuffix = new Float64Array(others + 1);
    this.nodePortSuffix = new Float64Array(others + 1);
    for (let k = 1; k <= others; k++) {
      const b = order[others - k]!;
      this.natSuffix[k] = this.natSuffix[k - 1]! + natSizes[b]!;
      this.nodePortSuffix[k] = this.nodePortSuffix[k - 1]! + nodePortSizes[b]!;
    }
  }

  /** A sync: the map range starts at a uniformly random point, so 0..others blocks precede the target. */
  sampleSync(rng: RandomU32): void {
    const k = uniformBelow(rng, this.others + 1);
    this.kubeServicesBefore = this.natSuffix[k]!;
    this.nodePortsBefore = this.nodePortSuffix[k]!;
  }

  /** Expected rules before the target in KUBE-SERVICES over Go's map randomisation: half the others. */
  expectedKubeServicesBefore(): number {
    return this.otherNatServicesRules / 2;
  }

  /** Expected rules before the target in KUBE-NODEPORTS. */
  expectedNodePortsBefore(): number {
    return this.otherNodePortRules / 2;
  }
}

/** How a connection traverses the rules, from the node's decision (eligibility.decideForNode). */
export interface PathSpec {
  entry: Entry;
  client: ClientKind;
  chain: PolicyChain;
  /** A local-traffic detector is configured (`--cluster-cidr`). */
  localDetector: boolean;
  masqueradeAll: boolean;
  /** ClientIP session affinity is on (nftables adds an `update` rule in the endpoint chain). */
  affinity: boolean;
  /** nf_conntrack_tcp_be_liberal is set: kube-proxy then omits the KUBE-FORWARD INVALID drop rule. */
  conntrackTCPLiberal?: boolean;
}

/** The policy chain carries the "cluster IP" masquerade rule: it is the internal chain and a reason exists. */
function chainHasMasqRule(spec: PathSpec, svc: Service): boolean {
  const internalChain: PolicyChain = internalPolicyLocal(svc) ? 'local' : 'cluster';
  return spec.chain === internalChain && (spec.masqueradeAll || spec.localDetector);
}

/**
 * Rules of KUBE-EXT (and KUBE-FW) for an external destination, KUBE-MARK-MASQ included when it jumps there
 * (pkg/proxy/iptables/proxier.go "Set up external traffic handling"). The nftables external chain has the
 * same rules.
 */
function externalChainRules(spec: PathSpec, svc: Service): number {
  if (!externalPolicyLocal(svc)) return 3; // masquerade rule + KUBE-MARK-MASQ + jump to the policy chain
  let rules = 0;
  if (spec.localDetector) {
    rules++; // "pod traffic for … external destinations" (-s <clusterCIDR>)
    if (spec.client === 'pod') return rules;
  }
  rules++; // "masquerade LOCAL traffic" (--src-type LOCAL)
  // Host: KUBE-MARK-MASQ, then "route LOCAL traffic" matches. Others: "route LOCAL traffic" does not
  // match, then the final jump to the local chain.
  return rules + 2;
}

/**
 * Rules an iptables-mode new connection is tested against: nat PREROUTING (OUTPUT for host clients) →
 * KUBE-SERVICES → [KUBE-NODEPORTS] → [KUBE-FW] → [KUBE-EXT] → policy chain → KUBE-SEP → nat POSTROUTING →
 * KUBE-POSTROUTING, plus kube-proxy's filter chains for new connections: FORWARD (pods, external
 * clients) jumps to KUBE-PROXY-FIREWALL, KUBE-FORWARD (which ACCEPTs marked packets, ending FORWARD),
 * KUBE-SERVICES and KUBE-EXTERNAL-SERVICES in that order (each `-I` at the top); OUTPUT (host clients) to
 * KUBE-PROXY-FIREWALL and KUBE-SERVICES. Only kube-proxy's own rules count.
 *
 * @param policyChainRules rules the policy chain's pick evaluated (IptablesServiceChain.lastRulesEvaluated)
 */
export function iptablesFirstPacketRules(
  layout: IptablesRuleLayout,
  spec: PathSpec,
  policyChainRules: number,
  nat: NatOutcome,
  kubeServicesBefore: number = layout.kubeServicesBefore,
  nodePortsBefore: number = layout.nodePortsBefore,
): number {
  const svc = layout.targetRules.service;
  const t = layout.target;
  let rules = 1; // jump to KUBE-SERVICES from PREROUTING / OUTPUT
  switch (spec.entry) {
    case 'clusterIP':
      rules += kubeServicesBefore + 1;
      break;
    case 'externalIP':
      rules +=
        kubeServicesBefore + (t.natServices - layout.targetRules.externalIPs - layout.targetRules.loadBalancerIPs) + 1;
      break;
    case 'loadBalancer':
      rules += kubeServicesBefore + (t.natServices - layout.targetRules.loadBalancerIPs) + 1;
      if (layout.targetRules.firewall) rules += 1; // KUBE-FW: the first allowed source range matches
      break;
    case 'nodePort':
      // No Service rule matches a node address: all of them, then the final "service nodeports" rule.
      rules += layout.natServicesRules + 1 + nodePortsBefore + 1;
      break;
  }
  if (spec.entry !== 'clusterIP') rules += externalChainRules(spec, svc);
  if (chainHasMasqRule(spec, svc)) rules += 1 + (nat.internalMasquerade ? 1 : 0);
  rules += policyChainRules;
  rules += 2 + (nat.hairpin ? 1 : 0); // KUBE-SEP: hairpin rule (+ KUBE-MARK-MASQ), DNAT
  rules += 1 + (nat.snat ? 3 : 1); // POSTROUTING jump; KUBE-POSTROUTING RETURN, or mark/xor/MASQUERADE
  if (spec.client === 'host') {
    rules += 1 + layout.firewallRules + 1 + layout.filterServicesRules;
  } else {
    rules += 1 + layout.firewallRules; // KUBE-PROXY-FIREWALL (its LB-IP rules cannot match after DNAT)
    rules += 1 + (spec.conntrackTCPLiberal ? 0 : 1) + 1; // KUBE-FORWARD: INVALID drop, mark ACCEPT
    if (!nat.snat) {
      rules += 1; // KUBE-FORWARD RELATED,ESTABLISHED (a new connection does not match)
      rules += 1 + layout.filterServicesRules + 1 + layout.filterExternalRules;
    }
  }
  return rules;
}

/**
 * The same count with the position and the pick at their expectations: KUBE-SERVICES (and KUBE-NODEPORTS)
 * prefix at half the other rules, and `expectedPolicyChainRules` from the caller (e.g. expectedCascadeRules).
 */
export function iptablesExpectedFirstPacketRules(
  layout: IptablesRuleLayout,
  spec: PathSpec,
  expectedPolicyChainRules: number,
  nat: NatOutcome,
): number {
  return iptablesFirstPacketRules(
    layout,
    spec,
    expectedPolicyChainRules,
    nat,
    layout.expectedKubeServicesBefore(),
    layout.expectedNodePortsBefore(),
  );
}

/**
 * Rules an nftables-mode new connection is tested against (pkg/proxy/nftables/proxier.go and the
 * baseRules of its tests): filter prerouting/output `ct state new jump firewall-check` + its verdict-map
 * rule (+ the firewall chain's drop rule for LB traffic under source ranges); nat `jump services`; the
 * services chain's verdict map (ClusterIP / LB / external IP) or, for a NodePort, that map missing and
 * the nodeport map; the external chain; the service chain (masquerade rule, affinity lookups, numgen);
 * the endpoint chain (hairpin rule, affinity `update`, dnat); nat postrouting `jump masquerading` and its
 * one or three rules; filter forward/output `jump service-endpoints-check` + its map rule and `jump
 * cluster-ips-check` + its two rules.
 *
 * @param policyChainRules NftablesServiceChain.lastRulesEvaluated (affinity lookups + numgen)
 */
export function nftablesFirstPacketRules(
  spec: PathSpec,
  svc: Service,
  policyChainRules: number,
  nat: NatOutcome,
): number {
  let rules = 2; // firewall-check jump + vmap lookup
  if (spec.entry === 'loadBalancer' && svc.loadBalancerSourceRanges.length > 0) rules += 1;
  rules += 1; // nat-prerouting / nat-output: jump services
  rules += spec.entry === 'nodePort' ? 2 : 1;
  if (spec.entry !== 'clusterIP') rules += externalChainRules(spec, svc);
  if (chainHasMasqRule(spec, svc)) rules += 1 + (nat.internalMasquerade ? 1 : 0);
  rules += policyChainRules;
  rules += 2 + (nat.hairpin ? 1 : 0) + (spec.affinity ? 1 : 0);
  rules += 1 + (nat.snat ? 3 : 1);
  rules += 2 + 3; // service-endpoints-check jump + map; cluster-ips-check jump + 2 rules
  return rules;
}

/**
 * Rules an IPVS-mode new connection is tested against: iptables still classifies Service traffic with
 * ipsets (pkg/proxy/ipvs/proxier.go writeIptablesRules). ClusterIP: PREROUTING jump; KUBE-SERVICES'
 * masquerade rule (`-m set --match-set KUBE-CLUSTER-IP`, present with --masquerade-all or a local
 * detector), its KUBE-NODE-PORT rule (`--dst-type LOCAL`) and the ACCEPT rule; then the IPVS virtual
 * service hash lookup (counted as one rule); POSTROUTING jump and KUBE-POSTROUTING's KUBE-LOOP-BACK rule
 * plus its RETURN, or mark/xor/MASQUERADE. External destinations go through one ipset-matching jump and
 * its chain's two rules instead of the ClusterIP ACCEPT. Independent of the number of Services.
 */
export function ipvsFirstPacketRules(spec: PathSpec, nat: NatOutcome): number {
  let rules = 1;
  if (spec.masqueradeAll || spec.localDetector) rules += 1 + (nat.internalMasquerade ? 1 : 0);
  rules += spec.entry === 'clusterIP' ? 2 : 3;
  rules += 1; // IPVS lookup
  rules += 1 + 1 + (nat.snat ? 3 : 1);
  return rules;
}

/**
 * Expected rules a KUBE-SVC cascade of n endpoints evaluates without affinity (uniform choice): position i
 * costs i+1 rules, the last one n; equals (n+1)/2 up to the probability strings' rounding.
 */
export function expectedCascadeRules(shares: ArrayLike<number>): number {
  const n = shares.length;
  let e = 0;
  for (let i = 0; i < n; i++) e += (shares[i] ?? 0) * (i + 1);
  return e;
}

/** Nanoseconds of first-packet processing for `rules` rules. */
export function firstPacketNs(rules: number, nsPerRule: number = DEFAULT_NS_PER_RULE): number {
  return rules * nsPerRule;
}
