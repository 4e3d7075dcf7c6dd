// G6 (§12, §6): the client source IP must be kept ⇒ externalTrafficPolicy: Local, with a local endpoint on
// every node that receives the traffic (C1 checks that).
import { pct, verdict } from './format.js';
import type { Rule } from './types.js';

export const G6: Rule = {
  id: 'G6',
  title:
    'The client source IP must be kept: externalTrafficPolicy: Local with a local endpoint on every receiving node',
  source: [
    {
      section: '§12',
      ko: '소스 IP가 꼭 필요: externalTrafficPolicy: Local + 로컬 백엔드 확보.',
      en: 'The source IP is a must: externalTrafficPolicy: Local plus local backends secured.',
    },
    {
      section: '§6',
      ko: 'externalTrafficPolicy: Local: 도착한 노드의 로컬 Pod 로만 라우팅. 로컬 Pod가 없으면 드롭/ICMP. 클라이언트 소스 IP 보존',
      en: 'externalTrafficPolicy: Local routes only to pods local to the node the traffic arrived at; with no local pod it is dropped (or ICMP); the client source IP is kept.',
    },
  ],
  evaluate(ctx) {
    const required = ctx.scenario.requirements.preserveSourceIP;
    const external = ctx.profile.externalConnectionShare;
    let text: string;
    if (!required) text = 'requirements.preserveSourceIP is false';
    else if (external > 0)
      text = `requirements.preserveSourceIP is true and external clients open ${pct(external)} of the connections`;
    else
      text =
        'requirements.preserveSourceIP is true; no client group is external, and externalTrafficPolicy only applies to traffic entering through a NodePort, load-balancer or external IP';
    return {
      fired: required,
      because: verdict('G6', required, text),
      ...(required ? { recommends: { externalTrafficPolicy: 'Local' as const } } : {}),
      measured: { preserveSourceIP: required, externalConnectionShare: external },
    };
  },
};
