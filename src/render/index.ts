// What kube-proxy would program on one node for a snapshot, in each mode's own tool output:
// `iptables-save` (filter and nat), `nft list ruleset` (the `ip kube-proxy` table) and `ipvsadm -Ln`,
// with rule counts and the rules a new connection to a target Service port traverses.

import type { Cluster } from '../scenario/cluster.js';
import { type IptablesCounts, renderIptables } from './iptables.js';
import { type IpvsCounts, type IpvsRenderOptions, type IpvsVirtualServer, renderIpvs } from './ipvs.js';
import { type NftablesCounts, renderNftables } from './nftables.js';
import type { ProxyRenderOptions } from './options.js';
import { buildNodeView, resolveTarget, type TargetSpec } from './servicePorts.js';

export { RenderInputError, UnknownNodeError } from './errors.js';
export type { IpvsRealServerCounters, IpvsRenderOptions, IpvsSchedulerFlag } from './ipvs.js';
export { ipvsVirtualServerKey } from './ipvs.js';
export type { ProxyRenderOptions } from './options.js';
export type { TargetSpec } from './servicePorts.js';

export type Rendering = 'iptables' | 'nftables' | 'ipvs';

export interface RenderRulesOptions extends ProxyRenderOptions {
  /** Which outputs to produce (default all three). */
  renderings?: readonly Rendering[];
  /** Service port whose traversal cost is reported; without it `rulesTraversedToTarget` is null. */
  target?: TargetSpec;
  /** IPVS scheduler, flags, real-server list order and counters. */
  ipvs?: IpvsRenderOptions;
}

export interface RenderedRules {
  node: string;
  iptables?: { text: string; counts: IptablesCounts };
  nftables?: { text: string; counts: NftablesCounts };
  ipvs?: {
    /** `ipvsadm -Ln`. */
    text: string;
    /** `ipvsadm -Ln --stats`. */
    statsText: string;
    /** `ipvsadm -Ln --nosort`: real servers in kernel list order. */
    nosortText: string;
    virtualServers: IpvsVirtualServer[];
    counts: IpvsCounts;
  };
}

/**
 * Renders the rules the node's kube-proxy would program. Throws UnknownNodeError (path "node", with the
 * snapshot's node names) for an unknown node and RenderInputError (with the option's path) for a target or
 * an IPVS order that does not fit the snapshot.
 */
export function renderRules(cluster: Cluster, nodeName: string, options: RenderRulesOptions = {}): RenderedRules {
  const view = buildNodeView(cluster, nodeName);
  const target = options.target === undefined ? null : resolveTarget(view, cluster, options.target);
  const wanted = new Set<Rendering>(options.renderings ?? ['iptables', 'nftables', 'ipvs']);
  const out: RenderedRules = { node: nodeName };
  if (wanted.has('iptables')) out.iptables = renderIptables(view, options, target);
  if (wanted.has('nftables')) out.nftables = renderNftables(view, options, target);
  if (wanted.has('ipvs')) {
    const r = renderIpvs(view, options, options.ipvs, target);
    out.ipvs = {
      text: r.text,
      statsText: r.statsText,
      nosortText: r.nosortText,
      virtualServers: r.virtualServers,
      counts: r.counts,
    };
  }
  return out;
}
