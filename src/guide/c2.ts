// C2 (§6): externalTrafficPolicy: Cluster with external entry: KUBE-EXT masquerades all external traffic
// ("masquerade traffic for … external destinations", pkg/proxy/iptables/proxier.go), so the pods see a
// node address instead of the client's.
import { serviceKey } from '../scenario/cluster.js';
import { pct } from './format.js';
import { Reach, serviceUnder, someNames } from './reach.js';
import type { Check } from './types.js';

export const C2: Check = {
  id: 'C2',
  title: 'externalTrafficPolicy: Cluster with external clients: source IP lost to SNAT',
  source: [
    {
      section: '§6',
      ko: 'externalTrafficPolicy: Cluster(기본): 어떤 노드로 오든 클러스터 임의 Pod 로 라우팅. 필요 시 SNAT 되어 원 소스 IP가 사라질 수 있음.',
      en: 'externalTrafficPolicy: Cluster (the default): whichever node the traffic arrives at, it is routed to any pod in the cluster; where needed it is SNATed and the original source IP can disappear.',
    },
  ],
  dependsOn: ['externalTrafficPolicy'],
  evaluate(ctx, config) {
    const svc = serviceUnder(ctx.service, config);
    const p = ctx.profile;
    const masqueradeAll = ctx.scenario.proxy.masqueradeAll;
    const severity = ctx.scenario.requirements.preserveSourceIP ? ('warning' as const) : ('info' as const);
    const reach = new Reach(ctx, svc, p.target.endpoints);
    const groups = p.clients.filter((g) => g.kind === 'external' && g.connectionsPerSecond > 0 && reach.reachable(g));
    let external = 0;
    for (const g of groups) external += g.connectionsPerSecond;
    const local = config.externalTrafficPolicy === 'Local' && (svc.type === 'NodePort' || svc.type === 'LoadBalancer');
    const snatRate = masqueradeAll ? p.connectionsPerSecond : local ? 0 : external;
    const share = p.connectionsPerSecond > 0 ? snatRate / p.connectionsPerSecond : 0;
    const run = ctx.results.find((r) => r.config.externalTrafficPolicy === config.externalTrafficPolicy);
    const measured =
      run === undefined
        ? null
        : { snatShare: run.dataplane.snatShare, sourceIPPreservedShare: run.dataplane.sourceIPPreservedShare };
    const details = { snatShare: share, externalGroups: groups.map((g) => g.name), masqueradeAll, measured };
    const measuredText = measured === null ? '' : `; the simulation measured snatShare ${pct(measured.snatShare)}`;
    if (snatRate === 0)
      return {
        fired: false,
        reason:
          groups.length === 0
            ? `no external client group reaches ${serviceKey(svc)}, and pod traffic to the ClusterIP is not masqueraded (no --masquerade-all)${measuredText}`
            : `externalTrafficPolicy: Local keeps external clients’ source IPs (no SNAT in KUBE-EXT)${measuredText}`,
        severity,
        details,
      };
    const reason = masqueradeAll
      ? `--masquerade-all SNATs every connection to the Service (${pct(share)}), so no pod sees a client address${measuredText}`
      : `under externalTrafficPolicy: Cluster the external connections of ${someNames(groups.map((g) => g.name))} (${pct(
          share,
        )} of all) are masqueraded, so the pods see a node address instead of the client’s${measuredText}; externalTrafficPolicy: Local keeps it (G6, and C1 for its cost)`;
    return { fired: true, reason, severity, details };
  },
};
