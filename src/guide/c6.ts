// C6 (§9, §3): hairpin — a client pod reaching its own Service lands on itself. kube-proxy marks such a
// connection for masquerade in the endpoint chain (`-s <endpoint IP> -j KUBE-MARK-MASQ`,
// pkg/proxy/iptables/proxier.go), so the reply comes back through the node; the kubelet's --hairpin-mode
// must let the bridge send the packet back out the port it came in.
import { pct } from './format.js';
import { Reach, serviceUnder, someNames } from './reach.js';
import type { Check } from './types.js';

export const C6: Check = {
  id: 'C6',
  title: 'Hairpin: a pod reaching its own Service lands on itself',
  source: [
    {
      section: '§9 Hairpin 문제',
      ko: 'kubelet --hairpin-mode 확인, 브리지/iptables 포워딩 설정(net.ipv4.ip_forward=1).',
      en: 'Check the kubelet’s --hairpin-mode and the bridge / iptables forwarding settings (net.ipv4.ip_forward=1).',
    },
    {
      section: '§3',
      ko: 'Hairpin NAT: 같은 노드의 Pod가 자기 자신이 속한 Service 를 통해 자기/동료 Pod을 때릴 때 필요.',
      en: 'Hairpin NAT is needed when a pod hits itself or a peer on the same node through the Service it belongs to.',
    },
  ],
  dependsOn: [],
  evaluate(ctx, config) {
    const p = ctx.profile;
    const reach = new Reach(ctx, serviceUnder(ctx.service, config), p.target.endpoints);
    const eps = p.target.endpoints;
    // The sources of a fromEndpoints group are the target's endpoints on its nodes, picked uniformly
    // (src/traffic/clients.ts); each lands on itself with probability 1/candidates when it is a candidate.
    let hairpin = 0;
    const groups: string[] = [];
    for (const g of p.clients) {
      if (!g.fromEndpoints || g.connectionsPerSecond <= 0) continue;
      groups.push(g.name);
      const allowed = new Set(g.nodes.map((n) => n.node));
      const own: number[] = [];
      eps.forEach((e, i) => {
        if (e.nodeName !== null && allowed.has(e.nodeName)) own.push(i);
      });
      let self = 0;
      for (const i of own) {
        const node = ctx.nodesByName.get(eps[i]!.nodeName as string);
        if (node === undefined) continue;
        const d = reach.decide(node, g);
        if (d.kind === 'forward' && d.candidates.includes(i)) self += 1 / d.candidates.length;
      }
      if (own.length > 0) hairpin += (g.connectionsPerSecond * self) / own.length;
    }
    const share = p.connectionsPerSecond > 0 ? hairpin / p.connectionsPerSecond : 0;
    let measured = 0;
    for (const r of ctx.results) measured = Math.max(measured, r.dataplane.hairpinShare);
    const details = {
      hairpinShare: share,
      groups,
      measured: ctx.results.length > 0 ? { hairpinShare: measured } : null,
    };
    const measuredText = ctx.results.length > 0 ? `; the simulation measured up to ${pct(measured)}` : '';
    if (share === 0 && measured === 0)
      return {
        fired: false,
        reason: `no client group runs on the Service’s own endpoints (fromEndpoints), so no pod reaches its own Service and lands on itself${measuredText}`,
        severity: 'info',
        details,
      };
    return {
      fired: true,
      reason: `${pct(share)} of connections are hairpin (group ${someNames(groups)} calls the Service from its own endpoints and lands on itself)${measuredText}: kube-proxy masquerades them, so the pod sees its node’s address, and the kubelet’s --hairpin-mode (hairpin-veth or promiscuous-bridge) must let the bridge return the packet to the port it came from`,
      severity: 'info',
      details,
    };
  },
};
