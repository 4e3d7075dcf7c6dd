// C1 (§9, §6): externalTrafficPolicy: Local, and a node that receives external traffic has no local
// endpoint: that node drops the traffic (the KUBE-EXT chain has no jump, and the filter rule "has no local
// endpoints" DROPs it; pkg/proxy/iptables/proxier.go).
import { externalPolicyLocal } from '../dataplane/eligibility.js';
import { serviceKey } from '../scenario/cluster.js';
import { int, pct } from './format.js';
import { Reach, serviceUnder, someNames } from './reach.js';
import type { Check } from './types.js';

export const C1: Check = {
  id: 'C1',
  title: 'externalTrafficPolicy: Local with receiving nodes that have no local endpoint',
  source: [
    {
      section: '§9 소스 IP 보존',
      ko: 'Service에 externalTrafficPolicy: Local 설정했는가? 노드 로컬 Pod가 실제로 존재하는가?',
      en: 'Is externalTrafficPolicy: Local set on the Service? Does a node-local pod actually exist?',
    },
    {
      section: '§6',
      ko: '로컬 Pod가 없으면 드롭/ICMP.',
      en: 'With no local pod, the traffic is dropped (or answered with ICMP).',
    },
  ],
  dependsOn: ['externalTrafficPolicy'],
  evaluate(ctx, config) {
    const svc = serviceUnder(ctx.service, config);
    const key = serviceKey(svc);
    const quiet = (reason: string) => ({ fired: false, reason, severity: 'critical' as const, details: {} });
    if (config.externalTrafficPolicy !== 'Local')
      return quiet('externalTrafficPolicy is Cluster: every node forwards external traffic to any endpoint');
    if (!externalPolicyLocal(svc))
      return quiet(
        `${key} is a ${svc.type} Service: externalTrafficPolicy only applies to NodePort and LoadBalancer Services`,
      );
    const reach = new Reach(ctx, svc, ctx.profile.target.endpoints);
    const groups = ctx.profile.clients.filter((g) => g.kind === 'external' && g.connectionsPerSecond > 0);
    if (groups.length === 0) return quiet('no external client group sends traffic');
    let external = 0;
    let lost = 0;
    const lostByNode = new Map<string, number>();
    const receiving = new Set<string>();
    const unreachable: string[] = [];
    let viaLoadBalancer = false;
    for (const g of groups) {
      external += g.connectionsPerSecond;
      if (!reach.reachable(g)) {
        unreachable.push(g.name);
        continue;
      }
      for (const share of g.nodes) {
        const node = ctx.nodesByName.get(share.node);
        if (node === undefined) continue;
        receiving.add(node.name);
        const d = reach.decide(node, g);
        if (d.kind === 'drop' && d.reason === 'noLocalEndpoint') {
          const rate = g.connectionsPerSecond * share.share;
          lost += rate;
          lostByNode.set(node.name, (lostByNode.get(node.name) ?? 0) + rate);
          if (g.via === 'loadBalancer') viaLoadBalancer = true;
        }
      }
    }
    const lostShare = external > 0 ? lost / external : 0;
    const nodes = [...lostByNode].map(([node, rate]) => ({ node, shareOfExternal: rate / external }));
    nodes.sort((a, b) => b.shareOfExternal - a.shareOfExternal || (a.node < b.node ? -1 : 1));

    // The simulation's own count, from a run under this policy.
    const run = ctx.results.find((r) => r.config.externalTrafficPolicy === 'Local');
    const measured =
      run === undefined
        ? null
        : {
            dropped: run.dataplane.dropped.byReason.noLocalEndpoint,
            newConnections: run.dataplane.newConnections,
            nodes: run.dataplane.nodes.filter((n) => n.dropped > 0).map((n) => n.node),
          };
    const details = {
      nodes,
      lostShareOfExternal: lostShare,
      lostShareOfAll: ctx.profile.connectionsPerSecond > 0 ? lost / ctx.profile.connectionsPerSecond : 0,
      receivingNodes: receiving.size,
      unreachableGroups: unreachable,
      measured,
    };
    const unreachableText =
      unreachable.length > 0
        ? `; group ${someNames(unreachable)} cannot reach ${key} at all (no NodePort or load-balancer IP)`
        : '';
    const fired = lost > 0 || (measured !== null && measured.dropped > 0);
    if (!fired)
      return {
        fired,
        reason: `every node that receives external traffic (${someNames([...receiving].sort())}) has a local endpoint of ${key}${unreachableText}`,
        severity: 'critical',
        details,
      };
    let reason = `${someNames(nodes.map((n) => `${n.node} (${pct(n.shareOfExternal)} of external connections)`))} ${
      nodes.length === 1 ? 'receives' : 'receive'
    } external traffic but ${nodes.length === 1 ? 'has' : 'have'} no local endpoint of ${key}, so under externalTrafficPolicy: Local ${
      nodes.length === 1 ? 'it drops' : 'they drop'
    } ${pct(lostShare)} of the external connections (${pct(details.lostShareOfAll)} of all)`;
    if (measured !== null && measured.newConnections > 0)
      reason += `; the simulation dropped ${int(measured.dropped)} of ${int(measured.newConnections)} new connections (noLocalEndpoint)`;
    reason += unreachableText;
    reason +=
      '. Run an endpoint on every receiving node (e.g. a DaemonSet), or send external traffic only to nodes that have one';
    if (viaLoadBalancer)
      reason +=
        '; a cloud load balancer that health-checks the Service’s healthCheckNodePort takes such nodes out of rotation, one without that check (and NodePort clients) does not';
    return { fired, reason, severity: 'critical', details };
  },
};
