// The `ip kube-proxy` table kube-proxy's nftables proxier programs on one node, printed the way
// `nft list ruleset` (nftables 1.0.6) prints it back from the kernel, so it can be diffed against a node
// and loaded with `nft -f`.
//
// Content follows pkg/proxy/nftables/proxier.go (setupNFTables and syncProxyRules, v1.33–v1.35; the
// goldens of proxier_test.go TestOverallNFTablesRules are reproduced by test/render/nftables.test.ts).
// Presentation follows nft's own printer, checked against the kernel in test/render/kernel.test.ts:
// - objects come out in creation order, every set and map before every chain; kube-proxy creates them in
//   one transaction, setup objects first, then per Service port its endpoint, service, local, external
//   and firewall chains and its affinity sets;
// - nft normalises some statements: `mark set mark or 0x4000` lists as `meta mark set meta mark | …` with
//   the mark widened to 32 bits, a one-element anonymous set loses its braces, interval sets are sorted,
//   standard priorities get their names where nft knows one for the hook;
// - nft sorts the elements of a set or map by key before printing them (see compareKeys), whatever
//   order kube-proxy added them in.

import { parseCidr } from '../dataplane/ip.js';
import type { ServicePortEndpoint } from '../scenario/cluster.js';
import { endpointString } from '../scenario/cluster.js';
import { lowerProtocol, nftEndpointChainBase, nftServiceChainBase } from './names.js';
import { nodePortIPs, type ProxyRenderOptions, resolveProxyOptions } from './options.js';
import type { NodeView, ServicePortView, TraversalSummary } from './servicePorts.js';

/** One element and the bytes of its key, which decide where `nft list` prints it. */
interface NftElement {
  text: string;
  key: Uint8Array;
}

interface NftSet {
  kind: 'set' | 'map';
  name: string;
  type: string;
  comment: string | null;
  /** Affinity sets: `update`d from a rule, hence nft's default dynamic-set size, and with a timeout. */
  dynamicTimeoutSeconds: number | null;
  /** Elements that nft packs per output line: 2 for address sets, 1 for concatenations. */
  perLine: number;
  elements: NftElement[];
  /** Keys already added: kube-proxy's nftElementStorage.ensureElem adds an element once per key. */
  keys: Set<string>;
}

function addElement(set: NftSet, keyText: string, valueSuffix: string, key: Uint8Array): void {
  if (set.keys.has(keyText)) return;
  set.keys.add(keyText);
  set.elements.push({ text: keyText + valueSuffix, key });
}

interface NftChain {
  name: string;
  /** `type … hook … priority …; policy accept;` for base chains. */
  header: string | null;
  comment: string | null;
  rules: string[];
}

/** Names of kube-proxy's fixed chains, sets and maps (pkg/proxy/nftables/proxier.go constants). */
const FILTER_PREROUTING_PRE_DNAT = 'filter-prerouting-pre-dnat';
const FILTER_OUTPUT_PRE_DNAT = 'filter-output-pre-dnat';
const FILTER_INPUT = 'filter-input';
const FILTER_FORWARD = 'filter-forward';
const FILTER_OUTPUT = 'filter-output';
const NAT_PREROUTING = 'nat-prerouting';
const NAT_OUTPUT = 'nat-output';
const NAT_POSTROUTING = 'nat-postrouting';
const SERVICES = 'services';
const SERVICE_IPS = 'service-ips';
const SERVICE_NODEPORTS = 'service-nodeports';
const NODEPORT_IPS = 'nodeport-ips';
const CLUSTER_IPS = 'cluster-ips';
const SERVICE_ENDPOINTS_CHECK = 'service-endpoints-check';
const NODEPORT_ENDPOINTS_CHECK = 'nodeport-endpoints-check';
const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
const REJECT_CHAIN = 'reject-chain';
const CLUSTER_IPS_CHECK = 'cluster-ips-check';
const FIREWALL_IPS = 'firewall-ips';
const FIREWALL_CHECK = 'firewall-check';
const MARK_MASQ = 'mark-for-masquerade';
const MASQUERADING = 'masquerading';

/**
 * nftablesBaseChains with the priority as nft prints it: filter chains run at dstnat-10 to see pre-DNAT
 * addresses, or at the filter priority; nft names a priority only for the hooks it knows the name in.
 */
const BASE_CHAINS: readonly { name: string; header: string }[] = [
  { name: FILTER_PREROUTING_PRE_DNAT, header: 'type filter hook prerouting priority dstnat - 10; policy accept;' },
  { name: FILTER_OUTPUT_PRE_DNAT, header: 'type filter hook output priority -110; policy accept;' },
  { name: FILTER_INPUT, header: 'type filter hook input priority filter; policy accept;' },
  { name: FILTER_FORWARD, header: 'type filter hook forward priority filter; policy accept;' },
  { name: FILTER_OUTPUT, header: 'type filter hook output priority filter; policy accept;' },
  { name: NAT_PREROUTING, header: 'type nat hook prerouting priority dstnat; policy accept;' },
  { name: NAT_OUTPUT, header: 'type nat hook output priority -100; policy accept;' },
  { name: NAT_POSTROUTING, header: 'type nat hook postrouting priority srcnat; policy accept;' },
];

/** nftablesJumpChains in source order: (destination chain, base chain, match). */
const JUMP_CHAINS: readonly [string, string, string][] = [
  // reject is only valid in input/forward/output chains on kernels before 5.9, so the endpoint checks
  // cannot run from prerouting like the firewall check does.
  [NODEPORT_ENDPOINTS_CHECK, FILTER_INPUT, 'ct state new '],
  [SERVICE_ENDPOINTS_CHECK, FILTER_INPUT, 'ct state new '],
  [SERVICE_ENDPOINTS_CHECK, FILTER_FORWARD, 'ct state new '],
  [SERVICE_ENDPOINTS_CHECK, FILTER_OUTPUT, 'ct state new '],
  [FIREWALL_CHECK, FILTER_PREROUTING_PRE_DNAT, 'ct state new '],
  [FIREWALL_CHECK, FILTER_OUTPUT_PRE_DNAT, 'ct state new '],
  [SERVICES, NAT_OUTPUT, ''],
  [SERVICES, NAT_PREROUTING, ''],
  [MASQUERADING, NAT_POSTROUTING, ''],
  [CLUSTER_IPS_CHECK, FILTER_FORWARD, 'ct state new '],
  [CLUSTER_IPS_CHECK, FILTER_OUTPUT, 'ct state new '],
];

const IPPROTO: Record<'tcp' | 'udp' | 'sctp', number> = { tcp: 6, udp: 17, sctp: 132 };

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** Key bytes of `addr . proto . port` as nft concatenates them: address and port in network order. */
function addrProtoPortKey(address: string, proto: 'tcp' | 'udp' | 'sctp', port: number): Uint8Array {
  return Uint8Array.from([...ipv4Bytes(address), IPPROTO[proto], port >> 8, port & 255]);
}

function protoPortKey(proto: 'tcp' | 'udp' | 'sctp', port: number): Uint8Array {
  return Uint8Array.from([IPPROTO[proto], port >> 8, port & 255]);
}

/**
 * The order `nft list` prints a named set's elements in: nft sorts them by key value (src/expression.c,
 * expr_msort_cmp). A plain address key is a number, so addresses come out ascending; a concatenation's value
 * is its components' bytes read as one host-endian — on x86 little-endian — integer, so there the last byte
 * weighs most: "172.30.0.45 . tcp . 80" lists before "10.0.0.46 . tcp . 80", "tcp . 3002" before "tcp . 3003".
 */
function compareKeys(concat: boolean): (a: NftElement, b: NftElement) => number {
  return (a, b) => {
    const n = a.key.length;
    for (let j = 0; j < n; j++) {
      const i = concat ? n - 1 - j : j;
      const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
}

/** nft's time_print: "3h", "1h2m5s", "1d". */
function nftDuration(seconds: number): string {
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const text = parts
    .filter(([v]) => v > 0)
    .map(([v, unit]) => `${v}${unit}`)
    .join('');
  return text === '' ? '0s' : text;
}

/** An IPv4 prefix as nft prints an interval element: the bare address for /32. */
function nftPrefix(cidr: string): string {
  return cidr.endsWith('/32') ? cidr.slice(0, -3) : cidr;
}

/** An anonymous interval set as nft prints it: sorted by address, braces only for more than one element. */
function anonymousPrefixSet(cidrs: readonly string[]): string {
  const sorted = [...new Set(cidrs)].sort((a, b) => {
    const ca = parseCidr(a);
    const cb = parseCidr(b);
    const sa = ca.network << BigInt(32 - ca.prefix);
    const sb = cb.network << BigInt(32 - cb.prefix);
    return sa < sb ? -1 : sa > sb ? 1 : ca.prefix - cb.prefix;
  });
  const items = sorted.map(nftPrefix);
  return items.length === 1 ? (items[0] ?? '') : `{ ${items.join(', ')} }`;
}

/** Where a new connection to the target ClusterIP goes through the nat hooks of the `ip kube-proxy` table. */
export interface NftablesTraversal extends TraversalSummary {
  /** The verdict map entry that ends the connection in the filter hooks, when no endpoint is usable. */
  rejectedBy: 'REJECT' | 'DROP' | null;
  breakdown: {
    /** `jump services` in nat-prerouting. */
    prerouting: number;
    /** The `vmap @service-ips` rule: one hash lookup whatever the number of Services. */
    services: number;
    masqueradeCheck: number;
    affinityChecks: number;
    /** The `numgen random mod n vmap` rule. */
    numgen: number;
    /** Endpoint chain: hairpin check, affinity update (ClientIP), DNAT. */
    endpointChain: number;
  };
}

export interface NftablesCounts {
  rules: number;
  chains: number;
  rulesPerChain: Record<string, number>;
  sets: number;
  maps: number;
  elementsPerSet: Record<string, number>;
  rulesTraversedToTarget: NftablesTraversal | null;
}

export interface NftablesRendering {
  text: string;
  counts: NftablesCounts;
}

interface TargetTrace {
  masqueradeCheck: number;
  affinityChecks: number;
  endpoints: readonly ServicePortEndpoint[];
  endpointChainRules: number;
  rejectedBy: 'REJECT' | 'DROP' | null;
}

export function renderNftables(
  view: NodeView,
  options: ProxyRenderOptions = {},
  target: ServicePortView | null = null,
): NftablesRendering {
  // In nftables mode kube-proxy defaults --nodeport-addresses to "primary" (cmd/kube-proxy, KEP-3866).
  const opts = resolveProxyOptions({
    ...options,
    nodePortAddresses:
      options.nodePortAddresses === undefined || options.nodePortAddresses.length === 0
        ? ['primary']
        : options.nodePortAddresses,
  });
  const mark = opts.masqueradeMark;
  const nodePorts = nodePortIPs(view, opts);

  const sets: NftSet[] = [];
  const chains: NftChain[] = [];
  const chainByName = new Map<string, NftChain>();
  const addSet = (s: Omit<NftSet, 'elements' | 'keys'>): NftSet => {
    const set: NftSet = { ...s, elements: [], keys: new Set() };
    sets.push(set);
    return set;
  };
  const ensureChain = (name: string, header: string | null = null, comment: string | null = null): NftChain => {
    const existing = chainByName.get(name);
    if (existing !== undefined) return existing;
    const chain = { name, header, comment, rules: [] };
    chains.push(chain);
    chainByName.set(name, chain);
    return chain;
  };
  const rule = (chain: string, text: string): void => {
    ensureChain(chain).rules.push(text);
  };

  for (const bc of BASE_CHAINS) ensureChain(bc.name, bc.header);
  for (const [dst, src, match] of JUMP_CHAINS) {
    ensureChain(dst);
    rule(src, `${match}jump ${dst}`);
  }
  for (const c of [SERVICES, CLUSTER_IPS_CHECK, MASQUERADING, MARK_MASQ]) ensureChain(c);
  rule(MARK_MASQ, `meta mark set meta mark | ${mark}`);
  rule(MASQUERADING, `meta mark & ${mark} == 0x00000000 return`);
  rule(MASQUERADING, `meta mark set meta mark ^ ${mark}`);
  rule(MASQUERADING, 'masquerade fully-random');

  const clusterIPs = addSet({
    kind: 'set',
    name: CLUSTER_IPS,
    type: 'ipv4_addr',
    comment: 'Active ClusterIPs',
    dynamicTimeoutSeconds: null,
    perLine: 2,
  });
  rule(CLUSTER_IPS_CHECK, `ip daddr @${CLUSTER_IPS} reject comment "Reject traffic to invalid ports of ClusterIPs"`);
  if (opts.serviceCIDRs.length > 0) {
    rule(
      CLUSTER_IPS_CHECK,
      `ip daddr ${anonymousPrefixSet(opts.serviceCIDRs)} drop comment "Drop traffic to unallocated ClusterIPs"`,
    );
  }
  // With every address accepting NodePorts the set is created and deleted again in the same transaction.
  if (!nodePorts.matchAll) {
    const nodePortSet = addSet({
      kind: 'set',
      name: NODEPORT_IPS,
      type: 'ipv4_addr',
      comment: 'IPs that accept NodePort traffic',
      dynamicTimeoutSeconds: null,
      perLine: 2,
    });
    // Localhost NodePorts are not supported in nftables mode.
    for (const ip of nodePorts.ips) {
      if (!ip.startsWith('127.')) addElement(nodePortSet, ip, '', Uint8Array.from(ipv4Bytes(ip)));
    }
  }
  const noEndpointServices = addSet({
    kind: 'map',
    name: NO_ENDPOINT_SERVICES,
    type: 'ipv4_addr . inet_proto . inet_service : verdict',
    comment: 'vmap to drop or reject packets to services with no endpoints',
    dynamicTimeoutSeconds: null,
    perLine: 1,
  });
  const noEndpointNodePorts = addSet({
    kind: 'map',
    name: NO_ENDPOINT_NODEPORTS,
    type: 'inet_proto . inet_service : verdict',
    comment: 'vmap to drop or reject packets to service nodeports with no endpoints',
    dynamicTimeoutSeconds: null,
    perLine: 1,
  });
  ensureChain(REJECT_CHAIN, null, 'helper for @no-endpoint-services / @no-endpoint-nodeports');
  rule(REJECT_CHAIN, 'reject');
  rule(SERVICE_ENDPOINTS_CHECK, `ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`);
  const nodePortMatch = nodePorts.matchAll ? 'ip daddr != 127.0.0.0/8' : `ip daddr @${NODEPORT_IPS}`;
  rule(NODEPORT_ENDPOINTS_CHECK, `${nodePortMatch} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`);
  const firewallIPs = addSet({
    kind: 'map',
    name: FIREWALL_IPS,
    type: 'ipv4_addr . inet_proto . inet_service : verdict',
    comment: 'destinations that are subject to LoadBalancerSourceRanges',
    dynamicTimeoutSeconds: null,
    perLine: 1,
  });
  rule(FIREWALL_CHECK, `ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`);
  const serviceIPs = addSet({
    kind: 'map',
    name: SERVICE_IPS,
    type: 'ipv4_addr . inet_proto . inet_service : verdict',
    comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic',
    dynamicTimeoutSeconds: null,
    perLine: 1,
  });
  const serviceNodePorts = addSet({
    kind: 'map',
    name: SERVICE_NODEPORTS,
    type: 'inet_proto . inet_service : verdict',
    comment: 'NodePort traffic',
    dynamicTimeoutSeconds: null,
    perLine: 1,
  });
  rule(SERVICES, `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`);
  rule(
    SERVICES,
    nodePorts.matchAll
      ? `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`
      : `ip daddr @${NODEPORT_IPS} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`,
  );

  let trace: TargetTrace | null = null;

  for (const sp of view.servicePorts) {
    const p = lowerProtocol(sp.protocol);
    const base = nftServiceChainBase(sp.svc.namespace, sp.svc.name, sp.protocol, sp.port.name);
    const clusterPolicyChain = `service-${base}`;
    const localPolicyChain = `local-${base}`;
    const externalTrafficChain = `external-${base}`;
    const fwChain = `firewall-${base}`;
    // Endpoint chain base names, hashed once per endpoint (the policy chains' endpoints are among these).
    const bases = new Map<ServicePortEndpoint, string>();
    for (const ep of sp.allReachableEndpoints) {
      bases.set(
        ep,
        nftEndpointChainBase(sp.svc.namespace, sp.svc.name, sp.protocol, sp.port.name, ep.address, ep.port),
      );
    }
    const epBase = (ep: ServicePortEndpoint) => bases.get(ep) ?? '';

    for (const ep of sp.allReachableEndpoints) ensureChain(`endpoint-${epBase(ep)}`);
    const { hasEndpoints, hasInternalEndpoints, hasExternalEndpoints } = sp;
    const { usesClusterPolicyChain, usesLocalPolicyChain, usesExternalTrafficChain } = sp;
    if (usesClusterPolicyChain) ensureChain(clusterPolicyChain);
    if (usesLocalPolicyChain) ensureChain(localPolicyChain);
    const internalTrafficChain = sp.internalPolicyLocal ? localPolicyChain : clusterPolicyChain;
    const externalPolicyChain = sp.externalPolicyLocal ? localPolicyChain : clusterPolicyChain;
    if (usesExternalTrafficChain) ensureChain(externalTrafficChain);

    let internalFilterVerdict = '';
    let externalFilterVerdict = '';
    if (!hasEndpoints) {
      internalFilterVerdict = `goto ${REJECT_CHAIN}`;
      externalFilterVerdict = `goto ${REJECT_CHAIN}`;
    } else {
      if (!hasInternalEndpoints) internalFilterVerdict = 'drop';
      if (!hasExternalEndpoints) externalFilterVerdict = 'drop';
    }
    const comment = `comment "${sp.name}"`;
    const port = sp.port.port;

    const addrElement = (set: NftSet, addr: string, valueSuffix: string) =>
      addElement(set, `${addr} . ${p} . ${port}`, valueSuffix, addrProtoPortKey(addr, p, port));
    const nodePortElement = (set: NftSet, valueSuffix: string) =>
      addElement(set, `${p} . ${sp.nodePort}`, valueSuffix, protoPortKey(p, sp.nodePort));

    addElement(clusterIPs, sp.clusterIP, '', Uint8Array.from(ipv4Bytes(sp.clusterIP)));
    if (hasInternalEndpoints) {
      addrElement(serviceIPs, sp.clusterIP, ` : goto ${internalTrafficChain}`);
    } else {
      addrElement(noEndpointServices, sp.clusterIP, ` ${comment} : ${internalFilterVerdict}`);
    }
    if (sp === target) {
      const endpoints = sp.internalEndpoints;
      trace = {
        masqueradeCheck: hasInternalEndpoints && (opts.masqueradeAll || opts.clusterCIDR !== null) ? 1 : 0,
        affinityChecks: sp.clientIPAffinity ? endpoints.length : 0,
        endpoints,
        endpointChainRules: sp.clientIPAffinity ? 3 : 2,
        rejectedBy: hasInternalEndpoints ? null : hasEndpoints ? 'DROP' : 'REJECT',
      };
    }

    for (const externalIP of sp.externalIPs) {
      if (hasEndpoints) addrElement(serviceIPs, externalIP, ` : goto ${externalTrafficChain}`);
      if (!hasExternalEndpoints) addrElement(noEndpointServices, externalIP, ` ${comment} : ${externalFilterVerdict}`);
    }

    // Unlike the iptables proxier, the firewall chain does not depend on the Service having endpoints.
    const usesFWChain = sp.loadBalancerVIPs.length > 0 && sp.sourceRanges.length > 0;
    if (usesFWChain) ensureChain(fwChain);
    for (const lbip of sp.loadBalancerVIPs) {
      if (hasEndpoints) addrElement(serviceIPs, lbip, ` : goto ${externalTrafficChain}`);
      if (usesFWChain) addrElement(firewallIPs, lbip, ` : goto ${fwChain}`);
    }
    if (!hasExternalEndpoints) {
      for (const lbip of sp.loadBalancerVIPs) {
        addrElement(noEndpointServices, lbip, ` ${comment} : ${externalFilterVerdict}`);
      }
    }

    if (sp.nodePort !== 0) {
      // NodePorts are not subject to loadBalancerSourceRanges.
      if (hasEndpoints) nodePortElement(serviceNodePorts, ` : goto ${externalTrafficChain}`);
      if (!hasExternalEndpoints) nodePortElement(noEndpointNodePorts, ` ${comment} : ${externalFilterVerdict}`);
    }

    if (hasInternalEndpoints) {
      // The chain is only reached through the ClusterIP's service-ips element, so protocol and port need no
      // second check (the golden of TestOverallNFTablesRules has none).
      const match = `ip daddr ${sp.clusterIP}`;
      if (opts.masqueradeAll) {
        rule(internalTrafficChain, `${match} jump ${MARK_MASQ}`);
      } else if (opts.clusterCIDR !== null) {
        rule(internalTrafficChain, `${match} ip saddr != ${opts.clusterCIDR} jump ${MARK_MASQ}`);
      }
    }

    if (usesExternalTrafficChain) {
      if (!sp.externalPolicyLocal) {
        rule(externalTrafficChain, `jump ${MARK_MASQ}`);
      } else {
        if (opts.clusterCIDR !== null) {
          rule(
            externalTrafficChain,
            `ip saddr ${opts.clusterCIDR} goto ${clusterPolicyChain} comment "short-circuit pod traffic"`,
          );
        }
        rule(externalTrafficChain, `fib saddr type local jump ${MARK_MASQ} comment "masquerade local traffic"`);
        rule(
          externalTrafficChain,
          `fib saddr type local goto ${clusterPolicyChain} comment "short-circuit local traffic"`,
        );
      }
      if (hasExternalEndpoints) rule(externalTrafficChain, `goto ${externalPolicyChain}`);
    }

    if (usesFWChain) {
      const sources = [...sp.sourceRanges];
      // A locally bound VIP loops node-originated requests back with the VIP as source.
      if (sp.sourceRangesContainNodeIP) for (const lbip of sp.loadBalancerVIPs) sources.push(`${lbip}/32`);
      rule(fwChain, `ip saddr != ${anonymousPrefixSet(sources)} drop`);
    }

    if (sp.clientIPAffinity) {
      for (const ep of sp.allReachableEndpoints) {
        addSet({
          kind: 'set',
          name: `affinity-${epBase(ep)}`,
          type: 'ipv4_addr',
          comment: null,
          dynamicTimeoutSeconds: sp.affinityTimeoutSeconds,
          perLine: 2,
        });
      }
    }

    const writeServiceToEndpointRules = (chain: string, endpoints: readonly ServicePortEndpoint[]) => {
      if (sp.clientIPAffinity) {
        for (const ep of endpoints) rule(chain, `ip saddr @affinity-${epBase(ep)} goto endpoint-${epBase(ep)}`);
      }
      const slots = endpoints.map((ep, i) => `${i} : goto endpoint-${epBase(ep)}`).join(', ');
      rule(chain, `numgen random mod ${endpoints.length} vmap { ${slots} }`);
    };
    if (usesClusterPolicyChain) writeServiceToEndpointRules(clusterPolicyChain, sp.clusterEndpoints);
    if (usesLocalPolicyChain) writeServiceToEndpointRules(localPolicyChain, sp.localEndpoints);

    for (const ep of sp.allReachableEndpoints) {
      const chain = `endpoint-${epBase(ep)}`;
      // Hairpin: a pod reaching itself through the Service must see the node as source.
      rule(chain, `ip saddr ${ep.address} jump ${MARK_MASQ}`);
      if (sp.clientIPAffinity) rule(chain, `update @affinity-${epBase(ep)} { ip saddr }`);
      rule(chain, `meta l4proto ${p} dnat to ${endpointString(ep.address, ep.port)}`);
    }
  }

  const text = print(sets, chains);
  const rulesPerChain: Record<string, number> = {};
  let rules = 0;
  for (const c of chains) {
    rulesPerChain[c.name] = c.rules.length;
    rules += c.rules.length;
  }
  const elementsPerSet: Record<string, number> = {};
  for (const s of sets) elementsPerSet[s.name] = s.elements.length;
  return {
    text,
    counts: {
      rules,
      chains: chains.length,
      rulesPerChain,
      sets: sets.filter((s) => s.kind === 'set').length,
      maps: sets.filter((s) => s.kind === 'map').length,
      elementsPerSet,
      rulesTraversedToTarget: trace === null ? null : traversal(trace),
    },
  };
}

function traversal(trace: TargetTrace): NftablesTraversal {
  const prerouting = 1;
  if (trace.rejectedBy !== null) {
    // The service-ips lookup misses and so does the NodePort rule; a filter hook's verdict map ends it.
    const scanned = prerouting + 2;
    return {
      path: 'clusterIP',
      rejectedBy: trace.rejectedBy,
      perEndpoint: [],
      min: scanned,
      mean: scanned,
      max: scanned,
      breakdown: { prerouting, services: 2, masqueradeCheck: 0, affinityChecks: 0, numgen: 0, endpointChain: 0 },
    };
  }
  const total = prerouting + 1 + trace.masqueradeCheck + trace.affinityChecks + 1 + trace.endpointChainRules;
  return {
    path: 'clusterIP',
    rejectedBy: null,
    perEndpoint: trace.endpoints.map((ep) => ({ endpoint: endpointString(ep.address, ep.port), rules: total })),
    min: total,
    mean: total,
    max: total,
    breakdown: {
      prerouting,
      services: 1,
      masqueradeCheck: trace.masqueradeCheck,
      affinityChecks: trace.affinityChecks,
      numgen: 1,
      endpointChain: trace.endpointChainRules,
    },
  };
}

/** nft's element list: `perLine` elements per line, continuation lines indented under the first element. */
function printElements(elements: readonly NftElement[], perLine: number, concat: boolean): string {
  const sorted = [...elements].sort(compareKeys(concat));
  const lines: string[] = [];
  for (let i = 0; i < sorted.length; i += perLine) {
    lines.push(
      sorted
        .slice(i, i + perLine)
        .map((e) => e.text)
        .join(', '),
    );
  }
  return `{ ${lines.join(',\n\t\t\t     ')} }`;
}

function print(sets: readonly NftSet[], chains: readonly NftChain[]): string {
  const blocks: string[] = [];
  for (const s of sets) {
    const lines = [`\t${s.kind} ${s.name} {`, `\t\ttype ${s.type}`];
    if (s.dynamicTimeoutSeconds !== null) {
      lines.push('\t\tsize 65535', '\t\tflags dynamic,timeout', `\t\ttimeout ${nftDuration(s.dynamicTimeoutSeconds)}`);
    }
    if (s.comment !== null) lines.push(`\t\tcomment "${s.comment}"`);
    if (s.elements.length > 0) {
      lines.push(`\t\telements = ${printElements(s.elements, s.perLine, s.type.includes(' . '))}`);
    }
    lines.push('\t}');
    blocks.push(lines.join('\n'));
  }
  for (const c of chains) {
    const lines = [`\tchain ${c.name} {`];
    if (c.comment !== null) lines.push(`\t\tcomment "${c.comment}"`);
    if (c.header !== null) lines.push(`\t\t${c.header}`);
    for (const r of c.rules) lines.push(`\t\t${r}`);
    lines.push('\t}');
    blocks.push(lines.join('\n'));
  }
  return `table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n${blocks.join('\n\n')}\n}\n`;
}
