// G4 (§12): few endpoints, a simple setup ⇒ iptables is enough.
import { count, int, verdict } from './format.js';
import type { Rule } from './types.js';

export const G4: Rule = {
  id: 'G4',
  title: 'Few endpoints, simple setup: iptables is enough',
  source: [
    {
      section: '§12',
      ko: '엔드포인트 수가 적고 단순: iptables로 충분.',
      en: 'Few endpoints and a simple setup: iptables is enough.',
    },
  ],
  evaluate(ctx) {
    const t = ctx.thresholds;
    const s = ctx.profile.snapshot;
    const fewPorts = s.servicePorts < t.servicePorts;
    const fewEndpoints = s.endpoints < t.endpoints;
    const fired = fewPorts && fewEndpoints;
    const ports = `${count(s.servicePorts, 'Service port')} (threshold < ${int(t.servicePorts)})`;
    const endpoints = `${count(s.endpoints, 'endpoint')} (threshold < ${int(t.endpoints)})`;
    return {
      fired,
      because: verdict('G4', fired, `the snapshot has ${ports} and ${endpoints}`),
      ...(fired ? { recommends: { mode: 'iptables' as const } } : {}),
      measured: { servicePorts: s.servicePorts, endpoints: s.endpoints },
    };
  },
};
