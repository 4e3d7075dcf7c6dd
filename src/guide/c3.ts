// C3 (§9, §4): iptables mode with many endpoints or Services: every new connection's first packet walks
// KUBE-SERVICES linearly (src/dataplane/cost.ts); IPVS and nftables look the Service up in a hash.
import { count, dur, int, num, pct } from './format.js';
import type { Check } from './types.js';

export const C3: Check = {
  id: 'C3',
  title: 'iptables mode with many Services or endpoints: per-connection rule-evaluation cost',
  source: [
    {
      section: '§9 성능/쏠림',
      ko: 'iptables 모드에서 엔드포인트 수가 많은가? ➜ IPVS 전환 고려',
      en: 'Many endpoints in iptables mode? ⇒ consider switching to IPVS',
    },
    {
      section: '§4',
      ko: 'iptables는 규칙 수가 많아질수록 체인 탐색 비용이 증가(선형/부분 확률 평가).',
      en: 'iptables chain traversal costs more as rules multiply (linear, partly probabilistic evaluation).',
    },
  ],
  dependsOn: ['mode'],
  evaluate(ctx, config) {
    const t = ctx.thresholds;
    const s = ctx.profile.snapshot;
    const size = `${count(s.servicePorts, 'Service port')} and ${count(s.endpoints, 'endpoint')} (thresholds ≥ ${int(t.servicePorts)} and ≥ ${int(
      t.endpoints,
    )})`;
    if (config.mode !== 'iptables')
      return {
        fired: false,
        reason: `${config.mode} mode looks the Service up in a hash: the first-packet cost does not grow with the ${size}`,
        severity: 'warning',
        details: {},
      };
    if (s.servicePorts < t.servicePorts && s.endpoints < t.endpoints)
      return { fired: false, reason: `iptables mode with ${size}`, severity: 'warning', details: {} };
    const cost = ctx.firstPacketCost();
    const run = ctx.results.find((r) => r.config.mode === 'iptables');
    const measured =
      run === undefined
        ? null
        : {
            rulesPerNewConnection: run.dataplane.ruleEvaluationsPerNewConnection.mean,
            rulesP99: run.dataplane.ruleEvaluationsPerNewConnection.p99,
            firstPacketCostUs: run.dataplane.firstPacketCostUs.mean,
          };
    let reason = `iptables mode with ${size}`;
    if (cost !== null) {
      reason += `: a new connection’s first packet traverses about ${int(cost.iptablesRules)} rules, ${dur(cost.iptablesNs * 1e-9)} at ${num(
        cost.nsPerRule,
      )} ns per rule, against about ${dur(cost.lookupNs * 1e-9)} for a hash lookup`;
      if (ctx.profile.connectionsPerSecond > 0)
        reason += ` (${pct(cost.iptablesCpuPerSecond)} of a CPU at ${num(ctx.profile.connectionsPerSecond)} new connections/s)`;
    }
    if (measured !== null)
      reason += `; the simulation measured ${int(measured.rulesPerNewConnection)} rules (p99 ${int(measured.rulesP99)}), ${num(
        measured.firstPacketCostUs,
      )} µs per new connection`;
    reason += '. IPVS, or nftables (its successor, GA since v1.33), makes the lookup O(1)';
    return {
      fired: true,
      reason,
      severity: 'warning',
      details: {
        servicePorts: s.servicePorts,
        endpoints: s.endpoints,
        iptablesRulesPerConnection: cost?.iptablesRules ?? null,
        iptablesNs: cost?.iptablesNs ?? null,
        lookupNs: cost?.lookupNs ?? null,
        iptablesCpuPerSecond: cost?.iptablesCpuPerSecond ?? null,
        measured,
      },
    };
  },
};
