// Which endpoints each deciding node's rules reach, under a configuration's Service options: kube-proxy's
// CategorizeEndpoints and the node's decision (src/dataplane/eligibility.ts), per client group and node.
// Used by C1 (dropped for want of a local endpoint), C5 (cross-zone share) and C6 (hairpin).
import {
  type ClientKind,
  categorizeEndpoints,
  decideForNode,
  type Entry,
  type NodeDecision,
  reachableVia,
} from '../dataplane/eligibility.js';
import { primaryIPFamily } from '../dataplane/endpoints.js';
import type { IPFamily, Node, Service, ServicePortEndpoint } from '../scenario/cluster.js';
import type { ClientProfile } from '../traffic/profile.js';
import type { GuideChoice } from './schema.js';
import type { GuideContext } from './types.js';

/** The target Service with the configuration's options. */
export function serviceUnder(service: Service, config: GuideChoice): Service {
  if (
    service.sessionAffinity === config.sessionAffinity &&
    service.externalTrafficPolicy === config.externalTrafficPolicy &&
    service.trafficDistribution === config.trafficDistribution
  )
    return service;
  return {
    ...service,
    sessionAffinity: config.sessionAffinity,
    externalTrafficPolicy: config.externalTrafficPolicy,
    trafficDistribution: config.trafficDistribution,
  };
}

export function entryOf(group: Pick<ClientProfile, 'kind' | 'via'>): Entry {
  if (group.kind === 'pod') return 'clusterIP';
  return group.via === 'nodePort' ? 'nodePort' : 'loadBalancer';
}

export function clientKindOf(group: Pick<ClientProfile, 'kind'>): ClientKind {
  return group.kind === 'pod' ? 'pod' : 'external';
}

/**
 * Decisions of deciding nodes for one Service variant and endpoint list, memoised per (node, entry,
 * client): the categorisation is O(endpoints) per node, so each node is categorised once per variant.
 */
export class Reach {
  private readonly categorized = new Map<string, ReturnType<typeof categorizeEndpoints>>();
  private readonly decisions = new Map<string, NodeDecision>();
  readonly family: IPFamily;

  constructor(
    private readonly ctx: GuideContext,
    readonly service: Service,
    readonly endpoints: readonly ServicePortEndpoint[],
  ) {
    this.family = primaryIPFamily(service);
  }

  /** The group reaches the Service at all (a NodePort, an LB IP for external groups; a ClusterIP for pods). */
  reachable(group: Pick<ClientProfile, 'kind' | 'via'>): boolean {
    return reachableVia(this.service, this.ctx.port, entryOf(group), this.family);
  }

  /** The node's decision for a new connection of `group`; call only for reachable groups. */
  decide(node: Node, group: Pick<ClientProfile, 'kind' | 'via'>): NodeDecision {
    const entry = entryOf(group);
    const client = clientKindOf(group);
    const key = `${node.name}\u0000${entry}\u0000${client}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    let cat = this.categorized.get(node.name);
    if (cat === undefined) {
      cat = categorizeEndpoints(this.endpoints, this.service, node, { port: this.ctx.port, family: this.family });
      this.categorized.set(node.name, cat);
    }
    const decision = decideForNode(cat, this.service, this.ctx.port, entry, client, {
      localDetector: this.ctx.scenario.proxy.clusterCIDR !== undefined,
    });
    this.decisions.set(key, decision);
    return decision;
  }

  /** An endpoint's zone: the slice's, else its node's. */
  zoneOf(ep: ServicePortEndpoint): string | null {
    if (ep.zone !== null) return ep.zone;
    return ep.nodeName === null ? null : (this.ctx.nodesByName.get(ep.nodeName)?.zone ?? null);
  }

  /**
   * Share of forwarded new connections whose endpoint is in another zone than the deciding node, with
   * each node choosing uniformly among its candidates (random in iptables/nftables, rr's long-run
   * share in IPVS); connections to or from a node without a zone never count as crossing.
   */
  crossZoneShare(): number {
    let cross = 0;
    let total = 0;
    for (const group of this.ctx.profile.clients) {
      if (group.connectionsPerSecond <= 0 || !this.reachable(group)) continue;
      for (const share of group.nodes) {
        const node = this.ctx.nodesByName.get(share.node);
        if (node === undefined) continue;
        const d = this.decide(node, group);
        if (d.kind !== 'forward' || d.candidates.length === 0) continue;
        let away = 0;
        if (node.zone !== null)
          for (const i of d.candidates) {
            const z = this.zoneOf(this.endpoints[i]!);
            if (z !== null && z !== node.zone) away++;
          }
        const w = group.connectionsPerSecond * share.share;
        cross += (w * away) / d.candidates.length;
        total += w;
      }
    }
    return total > 0 ? cross / total : 0;
  }
}

/** Up to `max` names, then "and N more". */
export function someNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
