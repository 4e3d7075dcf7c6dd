// Address translation of one connection, from the rules kube-proxy writes (pkg/proxy/iptables/proxier.go;
// the nftables rules mirror them). Every connection is DNATed to its endpoint; it is also SNATed
// (MASQUERADE in KUBE-POSTROUTING, the pod then sees a node address) when one of these rules marked it:
// - the policy chain's "cluster IP" rule: `--masquerade-all`, or with a local-traffic detector
//   (`--cluster-cidr`) traffic to the ClusterIP from outside the pod CIDR (`! -s <clusterCIDR>`);
// - KUBE-EXT: all external traffic under externalTrafficPolicy Cluster ("masquerade traffic for … external
//   destinations"); under Local only traffic from the node itself ("masquerade LOCAL traffic");
// - KUBE-SEP: hairpin, a pod whose connection landed on itself (`-s <endpoint IP> -j KUBE-MARK-MASQ`).

import type { Node, Service, ServicePortEndpoint } from '../scenario/cluster.js';
import type { ClientKind, Entry } from './eligibility.js';
import { externalPolicyLocal } from './eligibility.js';
import { addressFamily, cidrContains, clusterCidrForFamily, parseIPv4, parseIPv6 } from './ip.js';

export interface NatProxySettings {
  masqueradeAll: boolean;
  /** `--cluster-cidr` (comma-separated per family allowed); null/undefined when unset. */
  clusterCIDR?: string | null;
}

export interface NatInput {
  client: ClientKind;
  /** Source address when the packet meets the rules: pod IP, the node's IP for host clients, the external client's IP. */
  clientAddress: string;
  entry: Entry;
  /** Node whose rules translated the connection (client's node for pods and hosts; entry node for external clients). */
  decidingNode: Node;
  endpoint: ServicePortEndpoint;
  service: Service;
  proxy: NatProxySettings;
  /** Nodes by name, to find an endpoint's zone through its node when the slice gives none. */
  nodesByName?: ReadonlyMap<string, Node>;
}

export interface NatOutcome {
  /** The pod sees a node address instead of the client's. */
  snat: boolean;
  /** Marked by the policy chain's cluster-IP masquerade rule. */
  internalMasquerade: boolean;
  /** Marked in KUBE-EXT (ETP=Cluster external traffic, or host traffic under ETP=Local). */
  externalMasquerade: boolean;
  /** The client pod reached its own Service and landed on itself (needs the hairpin SNAT). */
  hairpin: boolean;
  sourceIPPreserved: boolean;
  /** The endpoint runs on another node than the deciding one. */
  crossNode: boolean;
  /** The endpoint is in another zone than the deciding node (false when either zone is unknown). */
  crossZone: boolean;
}

function sameAddress(a: string, b: string): boolean {
  const family = addressFamily(a);
  if (family !== addressFamily(b)) return false;
  try {
    return family === 'IPv4' ? parseIPv4(a) === parseIPv4(b) : parseIPv6(a) === parseIPv6(b);
  } catch {
    return a === b;
  }
}

/**
 * Translation and locality of one connection that reached `endpoint` through `decidingNode`'s rules. Pure:
 * a simulator can memoise it per (client address, deciding node, endpoint).
 */
export function translateConnection(input: NatInput): NatOutcome {
  const { client, clientAddress, entry, decidingNode, endpoint, service, proxy } = input;
  const family = addressFamily(endpoint.address);

  let internalMasquerade = false;
  if (entry === 'clusterIP') {
    if (proxy.masqueradeAll) {
      internalMasquerade = true;
    } else {
      const cidr = clusterCidrForFamily(proxy.clusterCIDR, family);
      internalMasquerade = cidr !== null && !cidrContains(cidr, clientAddress);
    }
  }
  // The ClusterIP masquerade rule matches `-d <clusterIP>`, so external destinations (even when
  // short-circuited into the cluster chain) are marked only in KUBE-EXT.
  const externalMasquerade = entry !== 'clusterIP' && (!externalPolicyLocal(service) || client === 'host');
  const hairpin = client === 'pod' && sameAddress(clientAddress, endpoint.address);
  const snat = internalMasquerade || externalMasquerade || hairpin;

  const crossNode = endpoint.nodeName !== null && endpoint.nodeName !== decidingNode.name;
  const endpointZone =
    endpoint.zone ?? (endpoint.nodeName !== null ? (input.nodesByName?.get(endpoint.nodeName)?.zone ?? null) : null);
  const crossZone = endpointZone !== null && decidingNode.zone !== null && endpointZone !== decidingNode.zone;

  return {
    snat,
    internalMasquerade,
    externalMasquerade,
    hairpin,
    sourceIPPreserved: !snat,
    crossNode,
    crossZone,
  };
}
