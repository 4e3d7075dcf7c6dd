// C4 (§9, §5): long-lived HTTP/2 or WebSocket connections under a balancer that ignores open connections
// (rr, and likewise wrr, iptables/nftables' random choice, sh/dh/mh hashing): load follows connection
// counts, not connection-seconds, so the endpoints that drew the long connections stay busier.

import { dur, num, pct } from './format.js';
import { balanceBy, CONNECTION_AWARE, configLabel, sameDataplane } from './measured.js';
import type { Check } from './types.js';

export const C4: Check = {
  id: 'C4',
  title: 'Long-lived HTTP/2 or WebSocket connections under rr: per-endpoint imbalance',
  source: [
    {
      section: '§9 성능/쏠림',
      ko: 'HTTP/2, 장수 연결 많음 ➜ LC/wlc 검토',
      en: 'Many HTTP/2 or long-lived connections ⇒ consider LC/wlc',
    },
    {
      section: '§5 RR',
      ko: '주의: HTTP/2, keep-alive, 길게 유지되는 스트림에서는 실제 부하가 균등해지지 않을 수 있음.',
      en: 'Caution: with HTTP/2, keep-alive and long-held streams the actual load may not even out.',
    },
  ],
  dependsOn: ['mode', 'scheduler'],
  evaluate(ctx, config) {
    const t = ctx.thresholds;
    const share = ctx.profile.longStreamingSecondsShare;
    const balancer = config.mode === 'ipvs' ? `IPVS ${config.scheduler ?? 'rr'}` : `${config.mode}’s random choice`;
    const shareText = `${pct(share)} of connection-seconds are in HTTP/2 or WebSocket connections living longer than ${dur(
      t.longConnectionSeconds,
    )} (threshold ${pct(t.longConnectionSecondsShare)})`;
    if (config.mode === 'ipvs' && config.scheduler !== null && CONNECTION_AWARE.has(config.scheduler))
      return {
        fired: false,
        reason: `${balancer} picks by open connections, so long connections count while they are open`,
        severity: 'warning',
        details: { longStreamingSecondsShare: share },
      };
    if (share < t.longConnectionSecondsShare)
      return {
        fired: false,
        reason: `only ${shareText}`,
        severity: 'warning',
        details: { longStreamingSecondsShare: share },
      };
    const weighted = ctx.profile.target.weightsDiffer;
    const run = ctx.results.find((r) => sameDataplane(r.config, config, weighted));
    const lc = ctx.results.find(
      (r) => r.config.mode === 'ipvs' && r.config.scheduler !== null && CONNECTION_AWARE.has(r.config.scheduler),
    );
    const imbalance = (r: typeof run) => {
      if (r === undefined) return null;
      const cs = balanceBy(r, 'connectionSeconds');
      const rq = balanceBy(r, 'requests');
      return {
        config: configLabel(r.config),
        connectionSecondsMaxOverMean: cs?.maxOverMean ?? null,
        connectionSecondsCV: cs?.cv ?? null,
        requestsMaxOverMean: rq?.maxOverMean ?? null,
        p99Ms: r.latencyMs.p99,
      };
    };
    const measured = imbalance(run);
    const compared = imbalance(lc);
    let reason = `${shareText}, and ${balancer} ignores how many are open on each endpoint`;
    if (measured !== null && measured.connectionSecondsMaxOverMean !== null) {
      reason += `; the simulation’s busiest endpoint held ${num(measured.connectionSecondsMaxOverMean)}× the mean connection-seconds`;
      if (measured.requestsMaxOverMean !== null)
        reason += ` and ${num(measured.requestsMaxOverMean)}× the mean requests`;
      if (compared !== null && compared.connectionSecondsMaxOverMean !== null)
        reason += ` (${compared.config}: ${num(compared.connectionSecondsMaxOverMean)}×, p99 ${num(compared.p99Ms)} ms vs ${num(measured.p99Ms)} ms)`;
    }
    reason += '. Consider lc, or wlc with weights (IPVS mode)';
    return {
      fired: true,
      reason,
      severity: 'warning',
      details: { longStreamingSecondsShare: share, balancer, measured, compared },
    };
  },
};
