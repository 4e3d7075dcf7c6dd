// The filter and nat tables kube-proxy's iptables proxier programs on one node, as `iptables-save` lays a
// table out (`*table`, chain declarations, `-A` rules, COMMIT) with every rule in the exact words
// syncProxyRules writes to `iptables-restore --noflush` (pkg/proxy/iptables/proxier.go, v1.31–v1.35; the
// goldens of proxier_test.go TestOverallIPTablesRules are reproduced by test/render/iptables.test.ts).
//
// To be loadable into an empty network namespace the text also declares the built-in chains and carries
// the jump rules kube-proxy installs once per full sync with `iptables -I` (iptablesJumpChains and
// iptablesKubeletJumpChains: each is prepended, so the last one listed ends up first), and the
// KUBE-PROXY-CANARY chain ipt.Monitor creates in every table it watches.
//
// Rule order: kube-proxy walks its Service-port map in Go map order, so on a node the per-Service blocks
// (and their KUBE-SERVICES rules) come in an order that changes between full syncs; here they follow the
// snapshot. Only the "nodeports" jump is guaranteed to be the last rule of nat KUBE-SERVICES.

import { probabilityString } from '../dataplane/iptables.js';
import type { ServicePortEndpoint } from '../scenario/cluster.js';
import { endpointString } from '../scenario/cluster.js';
import { endpointChainName, iptablesServiceChains, lowerProtocol } from './names.js';
import { nodePortIPs, type ProxyRenderOptions, resolveProxyOptions } from './options.js';
import type { NodeView, ServicePortView, TraversalSummary } from './servicePorts.js';

const KUBE_SERVICES = 'KUBE-SERVICES';
const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
const KUBE_FORWARD = 'KUBE-FORWARD';
const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';
const KUBELET_FIREWALL = 'KUBE-FIREWALL';

/** metrics.LocalhostNodePortAcceptedNFAcctCounter / IPTablesCTStateInvalidDroppedNFAcctCounter. */
const NFACCT_LOCALHOST_NODEPORTS = 'localhost_nps_accepted_pkts';
const NFACCT_CT_INVALID = 'ct_state_invalid_dropped_pkts';

type Table = 'filter' | 'nat';

/** One table's rules in the order written, with per-chain counts. */
class TableWriter {
  readonly chainLines: string[] = [];
  readonly rules: string[] = [];
  readonly perChain = new Map<string, number>();

  chain(name: string): void {
    this.chainLines.push(`:${name} - [0:0]`);
    if (!this.perChain.has(name)) this.perChain.set(name, 0);
  }

  rule(chain: string, args: string): void {
    this.rules.push(args === '' ? `-A ${chain}` : `-A ${chain} ${args}`);
    this.perChain.set(chain, (this.perChain.get(chain) ?? 0) + 1);
  }

  count(chain: string): number {
    return this.perChain.get(chain) ?? 0;
  }
}

/** kube-proxy quotes comments that contain spaces itself (`fmt.Sprintf(\`"%s cluster IP"\`, …)`). */
function quoted(text: string): string {
  return `"${text}"`;
}

/** Where a new connection to the target ClusterIP goes once the nat rules have DNATed it. */
/**
 * Entry: a pod on this node dialling the ClusterIP (nat PREROUTING → KUBE-SERVICES); `perEndpoint` counts the nat
 * rules evaluated per chosen endpoint (PREROUTING jump + KUBE-SERVICES scan + policy chain + KUBE-SEP).
 */
export interface IptablesTraversal extends TraversalSummary {
  /** The filter rule that ends the connection instead, when the node has no usable endpoint for it. */
  rejectedBy: 'REJECT' | 'DROP' | null;
  breakdown: {
    prerouting: number;
    /** 1-based position of the target's ClusterIP rule in nat KUBE-SERVICES as rendered. */
    kubeServicesPosition: number;
    /**
     * The same position averaged over kube-proxy's random Service order: the target's rule after half of the
     * other Service ports' KUBE-SERVICES rules.
     */
    kubeServicesExpectedPosition: number;
    /** Masquerade check at the top of the policy chain (0 or 1). */
    masqueradeCheck: number;
    /** `recent --rcheck` rules a client without an affinity entry walks past (ClientIP affinity). */
    affinityChecks: number;
    /** Statistic rules up to and including the chosen endpoint's (endpoint i of n: i+1). */
    cascade: number[];
    /** KUBE-SEP rules: hairpin masquerade check and DNAT. */
    endpointChain: number;
  };
  /** Rule total per endpoint with the target at its expected KUBE-SERVICES position. */
  expectedMean: number;
}

export interface IptablesCounts {
  rules: { filter: number; nat: number };
  chains: { filter: number; nat: number };
  rulesPerChain: { filter: Record<string, number>; nat: Record<string, number> };
  /** Σ endpoints over the Service ports, and whether that exceeds largeClusterEndpointsThreshold. */
  totalEndpoints: number;
  largeClusterMode: boolean;
  rulesTraversedToTarget: IptablesTraversal | null;
}

export interface IptablesRendering {
  text: string;
  counts: IptablesCounts;
}

/** What the render remembers about the target while writing its rules. */
interface TargetTrace {
  kubeServicesPosition: number;
  masqueradeCheck: number;
  affinityChecks: number;
  endpoints: ServicePortEndpoint[];
  rejectedBy: 'REJECT' | 'DROP' | null;
}

export function renderIptables(
  view: NodeView,
  options: ProxyRenderOptions = {},
  target: ServicePortView | null = null,
): IptablesRendering {
  const opts = resolveProxyOptions(options);
  const mark = opts.masqueradeMark;
  const filter = new TableWriter();
  const nat = new TableWriter();
  const largeClusterMode = view.totalEndpoints > opts.largeClusterEndpointsThreshold;
  // Localhost NodePorts need route_localnet; kube-proxy turns them off unless nodePortAddresses covers 127.0.0.1.
  const nodePorts = nodePortIPs(view, opts);
  const localhostNodePorts = opts.localhostNodePorts && nodePorts.containsLoopback;
  const detectLocal = opts.clusterCIDR;

  for (const c of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]) {
    filter.chain(c);
  }
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) nat.chain(c);

  nat.rule(KUBE_POSTROUTING, `-m mark ! --mark ${mark}/${mark} -j RETURN`);
  // Clear the mark so a packet that traverses the stack again is not masqueraded twice.
  nat.rule(KUBE_POSTROUTING, `-j MARK --xor-mark ${mark}`);
  nat.rule(
    KUBE_POSTROUTING,
    `-m comment --comment ${quoted('kubernetes service traffic requiring SNAT')} -j MASQUERADE${opts.randomFully ? ' --random-fully' : ''}`,
  );
  nat.rule(KUBE_MARK_MASQ, `-j MARK --or-mark ${mark}`);

  if (localhostNodePorts) {
    // route_localnet opens 127.0.0.0/8 to the network (issue 90259); this rule, duplicated by kubelet, closes it.
    filter.chain(KUBELET_FIREWALL);
    filter.rule(
      KUBELET_FIREWALL,
      `-m comment --comment ${quoted('block incoming localnet connections')} -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    );
  }

  let trace: TargetTrace | null = null;

  for (const sp of view.servicePorts) {
    const p = lowerProtocol(sp.protocol);
    const match = `-m ${p} -p ${p}`;
    const chains = iptablesServiceChains(sp.name, sp.protocol);
    const name = sp.name;
    const clusterPolicyChain = chains.cluster;
    const localPolicyChain = chains.local;
    const { hasEndpoints, hasInternalEndpoints, hasExternalEndpoints } = sp;
    const { usesClusterPolicyChain, usesLocalPolicyChain, usesExternalTrafficChain } = sp;
    const internalTrafficChain = sp.internalPolicyLocal ? localPolicyChain : clusterPolicyChain;
    const externalPolicyChain = sp.externalPolicyLocal ? localPolicyChain : clusterPolicyChain;
    const externalTrafficChain = chains.external;
    const usesFWChain = hasEndpoints && sp.loadBalancerVIPs.length > 0 && sp.sourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? chains.firewall : externalTrafficChain;

    // Read only when the matching has…Endpoints flag is false.
    let internalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
    let internalFilterComment = '';
    let externalFilterTarget: 'REJECT' | 'DROP' = 'REJECT';
    let externalFilterComment = '';
    if (!hasEndpoints) {
      internalFilterTarget = 'REJECT';
      internalFilterComment = quoted(`${name} has no endpoints`);
      externalFilterTarget = 'REJECT';
      externalFilterComment = internalFilterComment;
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = 'DROP';
        internalFilterComment = quoted(`${name} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = 'DROP';
        externalFilterComment = quoted(`${name} has no local endpoints`);
      }
    }

    if (hasInternalEndpoints) {
      nat.rule(
        KUBE_SERVICES,
        `-m comment --comment ${quoted(`${name} cluster IP`)} ${match} -d ${sp.clusterIP} --dport ${sp.port.port} -j ${internalTrafficChain}`,
      );
    } else {
      filter.rule(
        KUBE_SERVICES,
        `-m comment --comment ${internalFilterComment} ${match} -d ${sp.clusterIP} --dport ${sp.port.port} -j ${internalFilterTarget}`,
      );
    }
    if (sp === target) {
      const endpoints = sp.internalEndpoints;
      trace = {
        kubeServicesPosition: nat.count(KUBE_SERVICES),
        // The "cluster IP" masquerade rule heads the policy chain (written below); a pod source inside the
        // cluster CIDR does not match it.
        masqueradeCheck: hasInternalEndpoints && (opts.masqueradeAll || detectLocal !== null) ? 1 : 0,
        affinityChecks: sp.clientIPAffinity ? endpoints.length : 0,
        endpoints,
        rejectedBy: hasInternalEndpoints ? null : internalFilterTarget,
      };
    }

    for (const externalIP of sp.externalIPs) {
      if (hasEndpoints) {
        nat.rule(
          KUBE_SERVICES,
          `-m comment --comment ${quoted(`${name} external IP`)} ${match} -d ${externalIP} --dport ${sp.port.port} -j ${externalTrafficChain}`,
        );
      }
      if (!hasExternalEndpoints) {
        filter.rule(
          KUBE_EXTERNAL_SERVICES,
          `-m comment --comment ${externalFilterComment} ${match} -d ${externalIP} --dport ${sp.port.port} -j ${externalFilterTarget}`,
        );
      }
    }

    for (const lbip of sp.loadBalancerVIPs) {
      if (hasEndpoints) {
        nat.rule(
          KUBE_SERVICES,
          `-m comment --comment ${quoted(`${name} loadbalancer IP`)} ${match} -d ${lbip} --dport ${sp.port.port} -j ${loadBalancerTrafficChain}`,
        );
      }
      if (usesFWChain) {
        filter.rule(
          KUBE_PROXY_FIREWALL,
          `-m comment --comment ${quoted(`${name} traffic not accepted by ${chains.firewall}`)} ${match} -d ${lbip} --dport ${sp.port.port} -j DROP`,
        );
      }
    }
    if (!hasExternalEndpoints) {
      for (const lbip of sp.loadBalancerVIPs) {
        filter.rule(
          KUBE_EXTERNAL_SERVICES,
          `-m comment --comment ${externalFilterComment} ${match} -d ${lbip} --dport ${sp.port.port} -j ${externalFilterTarget}`,
        );
      }
    }

    if (sp.nodePort !== 0) {
      if (hasEndpoints) {
        if (localhostNodePorts && opts.nfacct) {
          nat.rule(
            KUBE_NODEPORTS,
            `-m comment --comment ${name} ${match} -d 127.0.0.0/8 --dport ${sp.nodePort} -m nfacct --nfacct-name ${NFACCT_LOCALHOST_NODEPORTS} -j ${externalTrafficChain}`,
          );
        }
        nat.rule(
          KUBE_NODEPORTS,
          `-m comment --comment ${name} ${match} --dport ${sp.nodePort} -j ${externalTrafficChain}`,
        );
      }
      if (!hasExternalEndpoints) {
        filter.rule(
          KUBE_EXTERNAL_SERVICES,
          `-m comment --comment ${externalFilterComment} -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} -j ${externalFilterTarget}`,
        );
      }
    }

    if (sp.healthCheckNodePort !== 0) {
      // Accepted whether or not the node has local endpoints: the load balancer probes it to find out.
      filter.rule(
        KUBE_NODEPORTS,
        `-m comment --comment ${quoted(`${name} health check node port`)} -m tcp -p tcp --dport ${sp.healthCheckNodePort} -j ACCEPT`,
      );
    }

    if (hasInternalEndpoints) {
      const args = `-m comment --comment ${quoted(`${name} cluster IP`)} ${match} -d ${sp.clusterIP} --dport ${sp.port.port}`;
      if (opts.masqueradeAll) {
        nat.rule(internalTrafficChain, `${args} -j ${KUBE_MARK_MASQ}`);
      } else if (detectLocal !== null) {
        // Off-cluster sources reaching a ClusterIP (a static route to the Service range) may bounce to
        // another node, so they are masqueraded.
        nat.rule(internalTrafficChain, `${args} ! -s ${detectLocal} -j ${KUBE_MARK_MASQ}`);
      }
    }

    if (usesExternalTrafficChain) {
      nat.chain(externalTrafficChain);
      if (!sp.externalPolicyLocal) {
        // Remote endpoints may be chosen, so the reply must come back through this node.
        nat.rule(
          externalTrafficChain,
          `-m comment --comment ${quoted(`masquerade traffic for ${name} external destinations`)} -j ${KUBE_MARK_MASQ}`,
        );
      } else {
        if (detectLocal !== null) {
          // Pod traffic to an external destination behaves as if it went out to the load balancer and back.
          nat.rule(
            externalTrafficChain,
            `-m comment --comment ${quoted(`pod traffic for ${name} external destinations`)} -s ${detectLocal} -j ${clusterPolicyChain}`,
          );
        }
        // Host traffic gets the LB IP (a local address) as source, so it must be masqueraded.
        nat.rule(
          externalTrafficChain,
          `-m comment --comment ${quoted(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${KUBE_MARK_MASQ}`,
        );
        nat.rule(
          externalTrafficChain,
          `-m comment --comment ${quoted(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`,
        );
      }
      if (hasExternalEndpoints) nat.rule(externalTrafficChain, `-j ${externalPolicyChain}`);
    }

    if (usesFWChain) {
      nat.chain(chains.firewall);
      const args = `-m comment --comment ${quoted(`${name} loadbalancer IP`)}`;
      for (const cidr of sp.sourceRanges) nat.rule(chains.firewall, `${args} -s ${cidr} -j ${externalTrafficChain}`);
      if (sp.sourceRangesContainNodeIP) {
        // A VIP bound locally loops node-originated requests back with the VIP as source.
        for (const lbip of sp.loadBalancerVIPs)
          nat.rule(chains.firewall, `${args} -s ${lbip} -j ${externalTrafficChain}`);
      }
      // Falling off the end leaves the packet un-DNATed; KUBE-PROXY-FIREWALL then drops it.
      nat.rule(
        chains.firewall,
        `-m comment --comment ${quoted(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)}`,
      );
    }

    // KUBE-SEP names, hashed once per endpoint: the policy chains' endpoints are among the reachable ones.
    const sepNames = new Map<ServicePortEndpoint, string>();
    for (const ep of sp.allReachableEndpoints) {
      sepNames.set(ep, endpointChainName(name, sp.protocol, endpointString(ep.address, ep.port)));
    }
    if (usesClusterPolicyChain) {
      nat.chain(clusterPolicyChain);
      writeServiceToEndpointRules(nat, sp, clusterPolicyChain, sp.clusterEndpoints, sepNames, largeClusterMode);
    }
    if (usesLocalPolicyChain) {
      nat.chain(localPolicyChain);
      writeServiceToEndpointRules(nat, sp, localPolicyChain, sp.localEndpoints, sepNames, largeClusterMode);
    }

    for (const ep of sp.allReachableEndpoints) {
      const epString = endpointString(ep.address, ep.port);
      const chain = sepNames.get(ep) ?? '';
      nat.chain(chain);
      const comment = largeClusterMode ? '' : `-m comment --comment ${name} `;
      // Hairpin: a pod reaching itself through the Service must see the node as source.
      nat.rule(chain, `${comment}-s ${ep.address} -j ${KUBE_MARK_MASQ}`);
      const affinity = sp.clientIPAffinity ? `-m recent --name ${chain} --set ` : '';
      nat.rule(chain, `${comment}${affinity}${match} -j DNAT --to-destination ${epString}`);
    }
  }

  // The catch-all jump to KUBE-NODEPORTS must follow every Service rule.
  const nodePortsComment = quoted('kubernetes service nodeports; NOTE: this must be the last rule in this chain');
  if (nodePorts.matchAll) {
    const notLocalhost = localhostNodePorts ? '' : ' ! -d 127.0.0.0/8';
    nat.rule(
      KUBE_SERVICES,
      `-m comment --comment ${nodePortsComment} -m addrtype --dst-type LOCAL${notLocalhost} -j ${KUBE_NODEPORTS}`,
    );
  } else {
    for (const ip of nodePorts.ips) {
      if (ip.startsWith('127.') && !localhostNodePorts) continue;
      nat.rule(KUBE_SERVICES, `-m comment --comment ${nodePortsComment} -d ${ip} -j ${KUBE_NODEPORTS}`);
    }
  }

  if (!opts.conntrackTCPLiberal) {
    // Out-of-window packets marked INVALID would otherwise reach pods un-NATed and reset the connection.
    const nfacct = opts.nfacct ? ` -m nfacct --nfacct-name ${NFACCT_CT_INVALID}` : '';
    filter.rule(KUBE_FORWARD, `-m conntrack --ctstate INVALID${nfacct} -j DROP`);
  }
  filter.rule(
    KUBE_FORWARD,
    `-m comment --comment ${quoted('kubernetes forwarding rules')} -m mark --mark ${mark}/${mark} -j ACCEPT`,
  );
  filter.rule(
    KUBE_FORWARD,
    `-m comment --comment ${quoted('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );

  const text = assemble(view.node.name, filter, nat, localhostNodePorts);
  const rulesTraversedToTarget = trace === null || target === null ? null : traversal(trace, nat, target);
  return {
    text,
    counts: {
      rules: {
        filter: filter.rules.length + builtinJumps('filter', localhostNodePorts).length,
        nat: nat.rules.length + builtinJumps('nat', localhostNodePorts).length,
      },
      chains: { filter: filter.perChain.size + 4, nat: nat.perChain.size + 5 },
      rulesPerChain: {
        filter: perChainRecord('filter', filter, localhostNodePorts),
        nat: perChainRecord('nat', nat, localhostNodePorts),
      },
      totalEndpoints: view.totalEndpoints,
      largeClusterMode,
      rulesTraversedToTarget,
    },
  };
}

/**
 * probability(n) strings by n. Like kube-proxy's precomputedProbabilities, kept for the process: formatting
 * a float exactly is the costly part of a large render, and n never exceeds a Service's endpoint count.
 */
const probabilities: string[] = [];

function probability(n: number): string {
  let p = probabilities[n];
  if (p === undefined) {
    p = probabilityString(n);
    probabilities[n] = p;
  }
  return p;
}

/**
 * writeServiceToEndpointRules: ClientIP affinity checks first (one `recent --rcheck` per endpoint), then
 * the random cascade — endpoint i of n matches with probability 1/(n-i), printed `%0.10f`, the last
 * unconditionally, which gives every endpoint 1/n.
 */
function writeServiceToEndpointRules(
  nat: TableWriter,
  sp: ServicePortView,
  chain: string,
  endpoints: readonly ServicePortEndpoint[],
  sepNames: ReadonlyMap<ServicePortEndpoint, string>,
  largeClusterMode: boolean,
): void {
  const comment = (ep: string): string =>
    largeClusterMode ? '' : `-m comment --comment ${quoted(`${sp.name} -> ${ep}`)} `;
  if (sp.clientIPAffinity) {
    for (const ep of endpoints) {
      const epString = endpointString(ep.address, ep.port);
      const sep = sepNames.get(ep) ?? '';
      nat.rule(
        chain,
        `${comment(epString)}-m recent --name ${sep} --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${sep}`,
      );
    }
  }
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    const epString = endpointString(ep.address, ep.port);
    const sep = sepNames.get(ep) ?? '';
    const statistic = i < n - 1 ? `-m statistic --mode random --probability ${probability(n - i)} ` : '';
    nat.rule(chain, `${comment(epString)}${statistic}-j ${sep}`);
  }
}

/** One jump rule kube-proxy (or, for KUBE-FIREWALL, its kubelet duplicate list) ensures in a built-in chain. */
interface JumpRule {
  table: Table;
  src: string;
  dst: string;
  comment: string;
  extra: string;
}

const NEW = '-m conntrack --ctstate NEW';

/** iptablesJumpChains followed by iptablesKubeletJumpChains, in source order. */
const JUMP_CHAINS: readonly JumpRule[] = [
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    extra: NEW,
  },
  { table: 'filter', dst: KUBE_NODEPORTS, src: 'INPUT', comment: 'kubernetes health check service ports', extra: '' },
  { table: 'filter', dst: KUBE_SERVICES, src: 'FORWARD', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: KUBE_FORWARD, src: 'FORWARD', comment: 'kubernetes forwarding rules', extra: '' },
  { table: 'filter', dst: KUBE_PROXY_FIREWALL, src: 'INPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    extra: NEW,
  },
  { table: 'nat', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', extra: '' },
  { table: 'nat', dst: KUBE_SERVICES, src: 'PREROUTING', comment: 'kubernetes service portals', extra: '' },
  { table: 'nat', dst: KUBE_POSTROUTING, src: 'POSTROUTING', comment: 'kubernetes postrouting rules', extra: '' },
  { table: 'filter', dst: KUBELET_FIREWALL, src: 'INPUT', comment: '', extra: '' },
  { table: 'filter', dst: KUBELET_FIREWALL, src: 'OUTPUT', comment: '', extra: '' },
];

const BUILTIN_CHAINS: Record<Table, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

/**
 * The built-in chains' rules after kube-proxy's EnsureRule(Prepend, …) calls on an otherwise empty table:
 * each rule is inserted at the top, so within a chain they end up in reverse list order. KUBE-FIREWALL jumps
 * exist only while kube-proxy fills that chain (IPv4 with localhost NodePorts).
 */
function builtinJumps(table: Table, withKubeletFirewall: boolean): { chain: string; rule: string }[] {
  const out: { chain: string; rule: string }[] = [];
  for (const chain of BUILTIN_CHAINS[table]) {
    const jumps = JUMP_CHAINS.filter(
      (j) => j.table === table && j.src === chain && (withKubeletFirewall || j.dst !== KUBELET_FIREWALL),
    ).reverse();
    for (const j of jumps) {
      const parts = [j.extra, j.comment === '' ? '' : `-m comment --comment ${quoted(j.comment)}`, `-j ${j.dst}`];
      out.push({ chain, rule: `-A ${chain} ${parts.filter((x) => x !== '').join(' ')}` });
    }
  }
  return out;
}

function perChainRecord(table: Table, writer: TableWriter, withKubeletFirewall: boolean): Record<string, number> {
  const entries: [string, number][] = BUILTIN_CHAINS[table].map((chain) => [chain, 0]);
  const jumps = builtinJumps(table, withKubeletFirewall);
  for (const entry of entries) entry[1] = jumps.filter((j) => j.chain === entry[0]).length;
  entries.push([KUBE_PROXY_CANARY, 0]);
  for (const entry of writer.perChain) entries.push(entry);
  return Object.fromEntries(entries);
}

function assemble(nodeName: string, filter: TableWriter, nat: TableWriter, withKubeletFirewall: boolean): string {
  // Joined section by section: a table's rules are one join, not a copy line by line.
  const sections: string[] = [
    `# Generated by kube-proxy-whatif: kube-proxy iptables proxier (IPv4) on node ${nodeName}`,
  ];
  for (const [table, writer] of [
    ['filter', filter],
    ['nat', nat],
  ] as const) {
    sections.push(`*${table}`);
    for (const chain of BUILTIN_CHAINS[table]) sections.push(`:${chain} ACCEPT [0:0]`);
    sections.push(`:${KUBE_PROXY_CANARY} - [0:0]`);
    if (writer.chainLines.length > 0) sections.push(writer.chainLines.join('\n'));
    for (const j of builtinJumps(table, withKubeletFirewall)) sections.push(j.rule);
    if (writer.rules.length > 0) sections.push(writer.rules.join('\n'));
    sections.push('COMMIT');
  }
  sections.push('');
  return sections.join('\n');
}

function traversal(trace: TargetTrace, nat: TableWriter, target: ServicePortView): IptablesTraversal {
  const prerouting = 1;
  const endpointChain = 2;
  // Every Service port writes its nat KUBE-SERVICES rules as one block (ClusterIP, external IPs, LB IPs);
  // with kube-proxy's random block order the target's ClusterIP rule, first of its block, comes after half
  // of the other blocks on average. The trailing nodeports jump is not part of any block.
  const otherRules = nat.count(KUBE_SERVICES) - 1 - kubeServicesBlockSize(target);
  const expectedPosition = otherRules / 2 + 1;
  if (trace.rejectedBy !== null) {
    // No DNAT: the packet walks all of nat KUBE-SERVICES, then a filter rule REJECTs or DROPs it.
    const scanned = prerouting + nat.count(KUBE_SERVICES);
    return {
      path: 'clusterIP',
      rejectedBy: trace.rejectedBy,
      perEndpoint: [],
      min: scanned,
      mean: scanned,
      max: scanned,
      breakdown: {
        prerouting,
        kubeServicesPosition: nat.count(KUBE_SERVICES),
        kubeServicesExpectedPosition: nat.count(KUBE_SERVICES),
        masqueradeCheck: 0,
        affinityChecks: 0,
        cascade: [],
        endpointChain: 0,
      },
      expectedMean: scanned,
    };
  }
  const cascade = trace.endpoints.map((_, i) => i + 1);
  const fixed = prerouting + trace.masqueradeCheck + trace.affinityChecks + endpointChain;
  const perEndpoint = trace.endpoints.map((ep, i) => ({
    endpoint: endpointString(ep.address, ep.port),
    rules: fixed + trace.kubeServicesPosition + (cascade[i] ?? 0),
  }));
  const totals = perEndpoint.map((e) => e.rules);
  const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
  return {
    path: 'clusterIP',
    rejectedBy: null,
    perEndpoint,
    min: Math.min(...totals),
    mean,
    max: Math.max(...totals),
    breakdown: {
      prerouting,
      kubeServicesPosition: trace.kubeServicesPosition,
      kubeServicesExpectedPosition: expectedPosition,
      masqueradeCheck: trace.masqueradeCheck,
      affinityChecks: trace.affinityChecks,
      cascade,
      endpointChain,
    },
    expectedMean: mean - trace.kubeServicesPosition + expectedPosition,
  };
}

/** Number of nat KUBE-SERVICES rules a Service port writes (its ClusterIP, external IPs and LB IPs). */
function kubeServicesBlockSize(sp: ServicePortView): number {
  if (!sp.hasEndpoints) return 0;
  const internal = !sp.internalPolicyLocal || sp.localEndpoints.length > 0 ? 1 : 0;
  return internal + sp.externalIPs.length + sp.loadBalancerVIPs.length;
}
