// G5 (§12, §4): hundreds to thousands of Services or endpoints ⇒ IPVS (hash lookup, lower latency and CPU).
// Beyond the document, the answer names nftables too (see notes.ts).
import { count, dur, finite, int, num, pct, verdict } from './format.js';
import type { Rule } from './types.js';

export const G5: Rule = {
  id: 'G5',
  title: 'Hundreds to thousands of Services or endpoints: IPVS (hash lookup)',
  source: [
    {
      section: '§12',
      ko: '서비스/엔드포인트가 수백~수천: IPVS 권장(해시 기반, 낮은 지연/CPU).',
      en: 'Hundreds to thousands of Services/endpoints: IPVS recommended (hash-based, lower latency/CPU).',
    },
    {
      section: '§4 왜 IPVS가 빠른가?',
      ko: 'iptables는 규칙 수가 많아질수록 체인 탐색 비용이 증가(선형/부분 확률 평가). IPVS는 해시 테이블 기반으로 O(1)에 가까운 룩업',
      en: 'iptables chain traversal costs more as rules multiply (linear, partly probabilistic evaluation); IPVS looks up in a hash table, close to O(1).',
    },
  ],
  evaluate(ctx) {
    const t = ctx.thresholds;
    const s = ctx.profile.snapshot;
    const manyPorts = s.servicePorts >= t.servicePorts;
    const manyEndpoints = s.endpoints >= t.endpoints;
    const fired = manyPorts || manyEndpoints;
    const ports = `${count(s.servicePorts, 'Service port')} (threshold ≥ ${int(t.servicePorts)})`;
    const endpoints = `${count(s.endpoints, 'endpoint')} (threshold ≥ ${int(t.endpoints)})`;
    let text = `the snapshot has ${ports} and ${endpoints}`;
    const measured: Record<string, number | null> = { servicePorts: s.servicePorts, endpoints: s.endpoints };
    if (fired) {
      const cost = ctx.firstPacketCost();
      if (cost !== null) {
        text += `: iptables tests about ${int(cost.iptablesRules)} rules per new connection, ${dur(cost.iptablesNs * 1e-9)} at ${num(
          cost.nsPerRule,
        )} ns per rule, where IPVS (and nftables) look the Service up in a hash for about ${dur(cost.lookupNs * 1e-9)}`;
        if (ctx.profile.connectionsPerSecond > 0)
          text += `; at ${num(ctx.profile.connectionsPerSecond)} new connections/s that is ${pct(
            cost.iptablesCpuPerSecond,
          )} of a CPU against ${pct(cost.lookupCpuPerSecond)}`;
        measured.iptablesRulesPerConnection = finite(cost.iptablesRules);
        measured.iptablesNs = finite(cost.iptablesNs);
        measured.lookupNs = finite(cost.lookupNs);
      }
    }
    return {
      fired,
      because: verdict('G5', fired, text),
      ...(fired ? { recommends: { mode: 'ipvs' as const } } : {}),
      measured,
    };
  },
};
