// `dataplane.rules.count`: what this mode programs on a node for the whole snapshot, counted from the
// same rendering POST /v1/rules returns (so the two never disagree). iptables: rules in the nat and filter
// tables; nftables: rules plus set and map elements of the `kube-proxy` table (a verdict-map element
// is the nftables counterpart of a KUBE-SERVICES rule); IPVS: virtual plus real servers.
import { renderRules } from '../render/index.js';
import type { SimModel } from './model.js';

export function programmedRules(model: SimModel): number {
  const node = model.cluster.nodes[0];
  if (node === undefined) return 0;
  const mode = model.config.mode;
  const r = renderRules(model.cluster, node.name, {
    renderings: [mode],
    ...(model.dataplaneConfig.clusterCIDR === null ? {} : { clusterCIDR: model.dataplaneConfig.clusterCIDR }),
    masqueradeAll: model.dataplaneConfig.masqueradeAll,
  });
  if (r.iptables !== undefined) return r.iptables.counts.rules.filter + r.iptables.counts.rules.nat;
  if (r.nftables !== undefined) {
    const elements = Object.values(r.nftables.counts.elementsPerSet).reduce((a, b) => a + b, 0);
    return r.nftables.counts.rules + elements;
  }
  if (r.ipvs !== undefined) return r.ipvs.counts.virtualServers + r.ipvs.counts.realServers;
  return 0;
}
