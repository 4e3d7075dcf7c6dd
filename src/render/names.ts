// Chain, set and map names exactly as kube-proxy derives them.
//
// iptables (pkg/proxy/iptables/proxier.go): portProtoHash(servicePortName, protocol) =
//   base32.StdEncoding(sha256(servicePortName + protocol))[:16], with the prefixes KUBE-SVC-, KUBE-SVL-,
//   KUBE-EXT-, KUBE-FW-; servicePortEndpointChainName hashes servicePortName + protocol + "ip:port" the same
//   way under KUBE-SEP-. Chain names must stay within iptables' 28-character limit, hence the truncation.
// nftables (pkg/proxy/nftables/proxier.go): hashAndTruncate(name) = base32(sha256(name))[:8] + "-" + name,
//   cut to 240 characters with "..." (knftables.NameLengthMax 256 minus the 16-character prefix budget).

import { hash } from 'node:crypto';
import type { Protocol } from '../scenario/cluster.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of RFC 4648 base32 (standard alphabet) of SHA-256(`input`). */
function sha256Base32Prefix(input: string, chars: number): string {
  const digest = hash('sha256', input, 'buffer');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < chars; i++) {
    buffer = ((buffer << 8) | (digest[i] ?? 0)) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
  }
  return out;
}

export function lowerProtocol(protocol: Protocol): 'tcp' | 'udp' | 'sctp' {
  return protocol === 'TCP' ? 'tcp' : protocol === 'UDP' ? 'udp' : 'sctp';
}

/** portProtoHash: the 16-character suffix shared by KUBE-SVC-/SVL-/EXT-/FW- chains of one service port. */
export function portProtoHash(servicePortName: string, protocol: Protocol): string {
  return sha256Base32Prefix(servicePortName + lowerProtocol(protocol), 16);
}

/** KUBE-SEP-<hash> for one endpoint ("ip:port", net.JoinHostPort form) of a service port. */
export function endpointChainName(servicePortName: string, protocol: Protocol, endpoint: string): string {
  return `KUBE-SEP-${sha256Base32Prefix(servicePortName + lowerProtocol(protocol) + endpoint, 16)}`;
}

export interface IptablesServiceChains {
  /** KUBE-SVC-*: endpoints for "Cluster" traffic policy. */
  cluster: string;
  /** KUBE-SVL-*: endpoints for "Local" traffic policy. */
  local: string;
  /** KUBE-EXT-*: entry point for NodePort, external IP and load-balancer traffic. */
  external: string;
  /** KUBE-FW-*: loadBalancerSourceRanges filter. */
  firewall: string;
}

export function iptablesServiceChains(servicePortName: string, protocol: Protocol): IptablesServiceChains {
  const hash = portProtoHash(servicePortName, protocol);
  return {
    cluster: `KUBE-SVC-${hash}`,
    local: `KUBE-SVL-${hash}`,
    external: `KUBE-EXT-${hash}`,
    firewall: `KUBE-FW-${hash}`,
  };
}

/** knftables.NameLengthMax (256) minus chainNamePrefixLengthMax (16). */
const NFT_CHAIN_NAME_BASE_MAX = 240;

function hashAndTruncate(name: string): string {
  const hashed = `${sha256Base32Prefix(name, 8)}-${name}`;
  return hashed.length > NFT_CHAIN_NAME_BASE_MAX ? `${hashed.slice(0, NFT_CHAIN_NAME_BASE_MAX - 3)}...` : hashed;
}

/** servicePortChainNameBase: "HASH-namespace/name/protocol/portName", e.g. "ULMVA6XW-ns1/svc1/tcp/p80". */
export function nftServiceChainBase(namespace: string, name: string, protocol: Protocol, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${lowerProtocol(protocol)}/${portName}`);
}

/**
 * servicePortEndpointChainNameBase: "HASH-namespace/name/protocol/portName__ip/port"; IPv6 colons become dots
 * because ":" is not allowed in an nftables chain name.
 */
export function nftEndpointChainBase(
  namespace: string,
  name: string,
  protocol: Protocol,
  portName: string,
  address: string,
  port: number,
): string {
  const ip = address.includes(':') ? address.replaceAll(':', '.') : address;
  return hashAndTruncate(`${namespace}/${name}/${lowerProtocol(protocol)}/${portName}__${ip}/${port}`);
}
